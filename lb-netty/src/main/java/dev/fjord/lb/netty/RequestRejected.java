package dev.fjord.lb.netty;

/**
 * What {@link StrictRequestDecoder} emits instead of a request it will not forward: the status to answer (400, 413,
 * 414, 431, 501, 505) and why. Nothing more is decoded on that connection.
 */
record RequestRejected(int status, String reason) {}
