package dev.fjord.lb.netty;

/** TEMPORARY: replaced by the strict decoder's message when the decoder branch lands. */
record RequestRejected(int status, String reason) {
}
