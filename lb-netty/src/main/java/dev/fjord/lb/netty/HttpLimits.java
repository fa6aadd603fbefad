package dev.fjord.lb.netty;

/** TEMPORARY: replaced by the strict decoder's limits when the decoder branch lands. */
public record HttpLimits(int maxRequestLine, int maxHeaderBytes, int maxHeaderCount, long maxBodyBytes,
        int maxChunkLine) {
    public static final HttpLimits DEFAULT = new HttpLimits(8192, 16384, 100, 0, 4096);
}
