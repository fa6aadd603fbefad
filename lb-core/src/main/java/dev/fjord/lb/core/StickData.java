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
    SERVER_ID(false),
    /** General purpose tag 0. */
    GPT0(false),
    /** General purpose counter 0 ({@code sc-inc-gpc0}, {@code sc_inc_gpc0}). */
    GPC0(false),
    /** Increments of {@code gpc0} per period. */
    GPC0_RATE(true),
    /** Connections (or, tracked by {@code http-request}, requests) that tracked the entry. */
    CONN_CNT(false),
    /** Connections per period. */
    CONN_RATE(true),
    /** Connections tracking the entry now. */
    CONN_CUR(false),
    /** Sessions: connections accepted by the {@code tcp-request connection} rules that tracked the entry. */
    SESS_CNT(false),
    /** Sessions per period. */
    SESS_RATE(true),
    /** HTTP requests. */
    HTTP_REQ_CNT(false),
    /** HTTP requests per period. */
    HTTP_REQ_RATE(true),
    /** HTTP errors caused by the client: invalid requests, denials, 4xx responses. */
    HTTP_ERR_CNT(false),
    /** HTTP errors per period. */
    HTTP_ERR_RATE(true),
    /** Bytes received from the client. */
    BYTES_IN_CNT(false),
    /** Bytes received from the client per period. */
    BYTES_IN_RATE(true),
    /** Bytes sent to the client. */
    BYTES_OUT_CNT(false),
    /** Bytes sent to the client per period. */
    BYTES_OUT_RATE(true),
    /** General purpose counter 1. */
    GPC1(false),
    /** Increments of {@code gpc1} per period. */
    GPC1_RATE(true),
    /** The name of the server a {@code stick} rule stored; stored with them. */
    SERVER_KEY(false),
    /** HTTP failures of servers: 5xx responses other than 501 and 505. */
    HTTP_FAIL_CNT(false),
    /** HTTP failures per period. */
    HTTP_FAIL_RATE(true);

    private final boolean rate;
    private final String keyword = name().toLowerCase(Locale.ROOT);

    StickData(boolean rate) {
        this.rate = rate;
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
