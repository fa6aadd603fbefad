package dev.fjord.lb.core;

import java.util.Locale;

import org.jspecify.annotations.Nullable;

/**
 * What a {@link StickTable} entry may store ({@code store ...}), as HAProxy names it, in HAProxy's order (the order
 * of {@code show table}). Counters ({@code _cnt}, {@code _cur}, {@code gpc0}) count events; rates ({@code _rate})
 * take a period and report the events of the last period, as HAProxy's frequency counters do.
 */
public enum StickData {
    /** The server a {@code stick} rule stored (its 1-based position in its backend); stored with them. */
    SERVER_ID(0, false),
    /** General purpose tag 0. */
    GPT0(1, false),
    /** General purpose counter 0 ({@code sc-inc-gpc0}, {@code sc_inc_gpc0}). */
    GPC0(2, false),
    /** Increments of {@code gpc0} per period. */
    GPC0_RATE(3, true),
    /** Connections (or, tracked by {@code http-request}, requests) that tracked the entry. */
    CONN_CNT(4, false),
    /** Connections per period. */
    CONN_RATE(5, true),
    /** Connections tracking the entry now. */
    CONN_CUR(6, false),
    /** Sessions: connections accepted by the {@code tcp-request connection} rules that tracked the entry. */
    SESS_CNT(7, false),
    /** Sessions per period. */
    SESS_RATE(8, true),
    /** HTTP requests. */
    HTTP_REQ_CNT(9, false),
    /** HTTP requests per period. */
    HTTP_REQ_RATE(10, true),
    /** HTTP errors caused by the client: invalid requests, denials, 4xx responses. */
    HTTP_ERR_CNT(11, false),
    /** HTTP errors per period. */
    HTTP_ERR_RATE(12, true),
    /** Bytes received from the client. */
    BYTES_IN_CNT(13, false),
    /** Bytes received from the client per period. */
    BYTES_IN_RATE(14, true),
    /** Bytes sent to the client. */
    BYTES_OUT_CNT(15, false),
    /** Bytes sent to the client per period. */
    BYTES_OUT_RATE(16, true),
    /** General purpose counter 1. */
    GPC1(17, false),
    /** Increments of {@code gpc1} per period. */
    GPC1_RATE(18, true),
    /** The name of the server a {@code stick} rule stored; stored with them. */
    SERVER_KEY(19, false),
    /** HTTP failures of servers: 5xx responses other than 501 and 505. */
    HTTP_FAIL_CNT(20, false),
    /** HTTP failures per period. */
    HTTP_FAIL_RATE(21, true);

    private final int type;
    private final boolean rate;
    private final String keyword = name().toLowerCase(Locale.ROOT);

    StickData(int type, boolean rate) {
        this.type = type;
        this.rate = rate;
    }

    /** HAProxy's number for it ({@code STKTABLE_DT_*}): its bit in the peers protocol's table definitions. */
    public int type() {
        return type;
    }

    /** The datum HAProxy numbers {@code type}, or null (HAProxy's arrays, 22 and over). */
    public static @Nullable StickData ofType(int type) {
        StickData[] all = values();
        return type >= 0 && type < all.length ? all[type] : null;
    }

    /** Whether this is a rate, which takes a period: {@code http_req_rate(10s)}. */
    public boolean isRate() {
        return rate;
    }

    /** The name HAProxy gives it, e.g. {@code http_req_rate}. */
    public String keyword() {
        return keyword;
    }

    /** The data type HAProxy calls {@code keyword}, or null. */
    public static @Nullable StickData of(String keyword) {
        for (StickData data : values()) {
            if (data.keyword.equals(keyword)) {
                return data;
            }
        }
        return null;
    }
}
