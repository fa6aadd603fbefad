package dev.fjord.lb.core;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * The traffic counters of one frontend, backend or server, as HAProxy's stats show them: sessions, bytes, denials,
 * errors, retries, responses by status class. The transport counts; the stats page, the CSV, the runtime commands
 * and the Micrometer binder read. Thread-safe and lock-free.
 */
public final class Counters {
    final LongAdder sessions = new LongAdder();
    final LongAdder requests = new LongAdder();
    final LongAdder bytesIn = new LongAdder();
    final LongAdder bytesOut = new LongAdder();
    final LongAdder deniedRequests = new LongAdder();
    final LongAdder deniedResponses = new LongAdder();
    final LongAdder requestErrors = new LongAdder();
    final LongAdder connectionErrors = new LongAdder();
    final LongAdder responseErrors = new LongAdder();
    final LongAdder retries = new LongAdder();
    final LongAdder redispatches = new LongAdder();
    final LongAdder balanced = new LongAdder();
    final LongAdder clientAborts = new LongAdder();
    final LongAdder serverAborts = new LongAdder();
    final LongAdder failedChecks = new LongAdder();
    final LongAdder downTransitions = new LongAdder();
    final LongAdder[] responses = {
        new LongAdder(), new LongAdder(), new LongAdder(), new LongAdder(), new LongAdder(), new LongAdder()
    };
    final AtomicInteger current = new AtomicInteger();
    final AtomicInteger max = new AtomicInteger();
    private volatile long rateBase;
    private volatile int rate;
    private volatile int rateMax;
    /** Ticker time the load balancer last chose this server; 0 before any. */
    private volatile long lastBalanced;
    /** Ticker time of the last state change; 0 before any. */
    private volatile long lastChange;
    /** Ticker time the server went DOWN, while it is; -1 when it is not DOWN. */
    private volatile long downSince = -1;

    private volatile long downtimeNanos;
    /** HAProxy averages its timers over the last 1024 sessions ({@code TIME_STATS_SAMPLES}). */
    private static final int TIME_SAMPLES = 1024;
    /** Sliding sums of the queue, connect, response and total times, in milliseconds. */
    private final long[] timeSums = new long[4];

    private long timedSessions;

    /** An HTTP request arrived ({@code req_tot}); a frontend's sessions are its client connections. */
    public void request() {
        requests.increment();
    }

    /** HTTP requests in total ({@code req_tot}). */
    public long requests() {
        return requests.sum();
    }

    /**
     * A session starts: {@code stot}, {@code scur}, {@code smax}. For a frontend a session is a client connection
     * (as HAProxy counts); for a backend or a server, a request or TCP connection sent to it.
     */
    public void sessionStarted() {
        sessions.increment();
        int now = current.incrementAndGet();
        max.accumulateAndGet(now, Math::max);
    }

    /** A session counted by {@link #sessionStarted()} ends. */
    public void sessionEnded() {
        current.updateAndGet(n -> n > 0 ? n - 1 : 0);
    }

    /** The load balancer chose this server ({@code lbtot}) at ticker time {@code now} ({@code lastsess}). */
    public void balanced(long now) {
        balanced.increment();
        lastBalanced = now == 0 ? 1 : now; // 0 means never
    }

    /** Seconds since the load balancer last chose this server, at ticker time {@code now}; -1 before any. */
    public long secondsSinceBalanced(long now) {
        long last = lastBalanced;
        return last == 0 ? -1 : Math.max(0, now - last) / 1_000_000_000L;
    }

    /** Bytes received from clients ({@code bin}) and sent to them ({@code bout}). */
    public void bytes(long in, long out) {
        bytesIn.add(in);
        bytesOut.add(out);
    }

    /** A response with {@code status} was sent ({@code hrsp_1xx} ... {@code hrsp_other}). */
    public void response(int status) {
        int index = status >= 100 && status < 600 ? status / 100 - 1 : 5;
        responses[index].increment();
    }

    /** A request denied by a rule ({@code dreq}). */
    public void denied() {
        deniedRequests.increment();
    }

    /** A response denied by an {@code http-response deny} rule ({@code dresp}). */
    public void deniedResponse() {
        deniedResponses.increment();
    }

    /** A malformed or timed-out request ({@code ereq}). */
    public void requestError() {
        requestErrors.increment();
    }

    /** A failed connection to a server ({@code econ}). */
    public void connectionError() {
        connectionErrors.increment();
    }

    /** An invalid, missing or aborted response ({@code eresp}). */
    public void responseError() {
        responseErrors.increment();
    }

    /** A retry ({@code wretr}), or a redispatch to another server ({@code wredis}). */
    public void retried(boolean redispatched) {
        (redispatched ? redispatches : retries).increment();
    }

    /** The client ({@code cli_abrt}) or server ({@code srv_abrt}) aborted during the data phase. */
    public void aborted(boolean byClient) {
        (byClient ? clientAborts : serverAborts).increment();
    }

    /** A health check failed ({@code chkfail}); {@code wentDown}: it marked the server DOWN ({@code chkdown}). */
    public void checkFailed(boolean wentDown) {
        failedChecks.increment();
        if (wentDown) {
            downTransitions.increment();
        }
    }

    /**
     * Samples the session rate: called once a second by the transport, it makes {@link #rate()} the sessions
     * started since the previous call ({@code rate}, {@code rate_max}).
     */
    public void sampleRate() {
        long total = sessions.sum();
        int now = (int) Math.min(Integer.MAX_VALUE, total - rateBase);
        rateBase = total;
        rate = now;
        if (now > rateMax) {
            rateMax = now;
        }
    }

    /** Sessions started in the last sampled second ({@code rate}). */
    public int rate() {
        return rate;
    }

    /** The highest sampled rate ({@code rate_max}). */
    public int rateMax() {
        return rateMax;
    }

    /** Records a state change at ticker time {@code now}; {@code down}: the server is DOWN from now on. */
    public synchronized void stateChanged(long now, boolean down) {
        lastChange = now;
        if (down && downSince < 0) {
            downSince = now;
        } else if (!down && downSince >= 0) {
            downtimeNanos += now - downSince;
            downSince = -1;
        }
    }

    /** Seconds since the last state change at ticker time {@code now} ({@code lastchg}); -1 before any. */
    public long secondsSinceChange(long now) {
        return lastChange == 0 ? -1 : (now - lastChange) / 1_000_000_000L;
    }

    /** Seconds spent DOWN up to ticker time {@code now} ({@code downtime}). */
    public synchronized long downtimeSeconds(long now) {
        long total = downtimeNanos + (downSince >= 0 ? now - downSince : 0);
        return total / 1_000_000_000L;
    }

    /** Sessions now ({@code scur}). */
    public int current() {
        return current.get();
    }

    /** Sessions at most at once ({@code smax}). */
    public int max() {
        return max.get();
    }

    /** Sessions in total ({@code stot}). */
    public long sessions() {
        return sessions.sum();
    }

    /** Bytes sent to clients ({@code bout}). */
    public long bytesOut() {
        return bytesOut.sum();
    }

    /** Bytes received from clients ({@code bin}). */
    public long bytesIn() {
        return bytesIn.sum();
    }

    /** Requests denied by a rule: {@code deny}, {@code tarpit}, {@code tcp-request} rejects ({@code dreq}). */
    public long deniedRequests() {
        return deniedRequests.sum();
    }

    /** Responses denied by an {@code http-response deny} rule ({@code dresp}). */
    public long deniedResponses() {
        return deniedResponses.sum();
    }

    /** Retries to the same server ({@code wretr}). */
    public long retries() {
        return retries.sum();
    }

    /** Retries to another server ({@code wredis}). */
    public long redispatches() {
        return redispatches.sum();
    }

    /** Failed connections to servers ({@code econ}). */
    public long connectionErrors() {
        return connectionErrors.sum();
    }

    /** Invalid, missing or aborted responses ({@code eresp}). */
    public long responseErrors() {
        return responseErrors.sum();
    }

    /** Responses of status class {@code hundreds} (1-5), or 0 for others. */
    public long responses(int hundreds) {
        return responses[hundreds >= 1 && hundreds <= 5 ? hundreds - 1 : 5].sum();
    }

    /**
     * A session that got a server's response took these times, in milliseconds ({@code %Tw %Tc %Tr %Ta}); they feed
     * {@link #averageTimes()}. Negative times count as 0.
     */
    public synchronized void timings(long queue, long connect, long response, long total) {
        timedSessions++;
        add(0, queue);
        add(1, connect);
        add(2, response);
        add(3, total);
    }

    /** HAProxy's swrate_add: an exact mean over the first samples, then a window of TIME_SAMPLES. */
    private void add(int time, long millis) {
        long sum = timeSums[time];
        timeSums[time] = sum - (timedSessions > TIME_SAMPLES ? sum / TIME_SAMPLES : 0) + Math.max(0, millis);
    }

    /**
     * The average queue, connect, response and total times in milliseconds over the last 1024 sessions that got a
     * response ({@code qtime}, {@code ctime}, {@code rtime}, {@code ttime}); zeros before any.
     */
    public synchronized long[] averageTimes() {
        long samples = Math.min(timedSessions, TIME_SAMPLES);
        long[] averages = new long[4];
        for (int i = 0; i < averages.length && samples > 0; i++) {
            averages[i] = timeSums[i] / samples;
        }
        return averages;
    }
}
