package dev.fjord.lb.netty;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.fjord.lb.core.Timeouts;

import io.netty.channel.embedded.EmbeddedChannel;

/** {@link HeadTimer} on an embedded event loop with frozen time: deadlines that move, shorten, end. */
class HeadTimerTest {
    private final EmbeddedChannel loop = new EmbeddedChannel();
    private final List<String> expired = new ArrayList<>();
    private final DeadlineQueues waits = new DeadlineQueues();

    HeadTimerTest() {
        loop.freezeTime();
    }

    @AfterEach
    void close() {
        loop.finishAndReleaseAll();
    }

    private HeadTimer timer(Duration httpRequest, Duration httpKeepAlive) {
        Timeouts timeouts =
                new Timeouts(httpRequest, null, null, null, null, httpKeepAlive, null, null, null, null, null);
        return new HeadTimer(
                waits,
                loop.eventLoop(),
                timeouts,
                (keptAlive, requestTimeoutSet) ->
                        expired.add("keptAlive=" + keptAlive + " request=" + requestTimeoutSet));
    }

    private void advanceMillis(long millis) {
        loop.advanceTimeBy(millis, TimeUnit.MILLISECONDS);
        loop.runScheduledPendingTasks();
    }

    @Test
    void theFirstHeadGetsTheRequestTimeout() {
        HeadTimer timer = timer(Duration.ofSeconds(5), Duration.ofSeconds(1));
        timer.arm(false);

        advanceMillis(4_999);
        assertThat(expired).isEmpty();
        advanceMillis(1);
        assertThat(expired).containsExactly("keptAlive=false request=true");
    }

    @Test
    void eachResponseMovesTheKeepAliveDeadlineFromItsOwnEnd() {
        HeadTimer timer = timer(Duration.ofSeconds(5), Duration.ofSeconds(1));
        timer.arm(true); // deadline 1.0 s
        advanceMillis(500);
        timer.disarm(); // a request came
        advanceMillis(400);
        timer.arm(true); // answered at 0.9 s: deadline 1.9 s, the task of 1.0 s waits on

        advanceMillis(100); // 1.0 s: the first task runs early and waits for the rest
        assertThat(expired).isEmpty();
        advanceMillis(899);
        assertThat(expired).isEmpty();
        advanceMillis(1);
        assertThat(expired).containsExactly("keptAlive=true request=true");
    }

    @Test
    void aShorterWaitThanTheOneScheduledEndsOnTime() {
        HeadTimer timer = timer(Duration.ofSeconds(10), Duration.ofMillis(300));
        timer.arm(false); // the connection's first head: 10 s
        advanceMillis(100);
        timer.disarm();
        timer.arm(true); // answered: 300 ms of keep-alive, long before the 10 s task

        advanceMillis(300);
        assertThat(expired).containsExactly("keptAlive=true request=true");
        advanceMillis(10_000);
        assertThat(expired).hasSize(1);
    }

    @Test
    void aHeadInTimeOrAClosedConnectionExpiresNothing() {
        HeadTimer inTime = timer(Duration.ofSeconds(1), Duration.ofSeconds(1));
        inTime.arm(false);
        advanceMillis(900);
        inTime.disarm();
        HeadTimer closed = timer(Duration.ofSeconds(1), Duration.ofSeconds(1));
        closed.arm(true);
        closed.cancel();

        advanceMillis(5_000);
        assertThat(expired).isEmpty();
    }

    @Test
    void withoutAnyTimeoutNothingIsScheduled() {
        HeadTimer timer =
                new HeadTimer(waits, loop.eventLoop(), Timeouts.NONE, (keptAlive, set) -> expired.add("fired"));
        timer.arm(false);
        timer.arm(true);

        assertThat(loop.runScheduledPendingTasks()).isEqualTo(-1); // no task waits
        advanceMillis(3_600_000);
        assertThat(expired).isEmpty();
    }

    @Test
    void timersOfOneWaitShareOneQueueAndExpireInTheOrderTheyWereArmed() {
        List<HeadTimer> timers = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            int id = i;
            Timeouts timeouts = new Timeouts(
                    Duration.ofSeconds(1), null, null, null, null, Duration.ofSeconds(1), null, null, null, null, null);
            HeadTimer timer =
                    new HeadTimer(waits, loop.eventLoop(), timeouts, (keptAlive, set) -> expired.add("t" + id));
            timers.add(timer);
            timer.arm(true);
            advanceMillis(100); // armed at 0, 100, ..., 400 ms
        }
        DeadlineQueues.Queue queue = waits.queue(loop.eventLoop(), Duration.ofSeconds(1));
        assertThat(queue.size()).isEqualTo(5);
        timers.get(0).disarm(); // the first: a head came
        timers.get(2).cancel(); // one in the middle: closed
        timers.get(4).disarm();
        timers.get(4).arm(true); // the last, answered again at 500 ms: 1.5 s

        advanceMillis(600); // 1.1 s
        assertThat(expired).containsExactly("t1");
        advanceMillis(300); // 1.4 s
        assertThat(expired).containsExactly("t1", "t3");
        advanceMillis(99);
        assertThat(expired).containsExactly("t1", "t3");
        advanceMillis(1);
        assertThat(expired).containsExactly("t1", "t3", "t4");
        assertThat(queue.size()).isZero();
    }

    @Test
    void anExpiryThatArmsAnotherTimerDoesNotDelayTheNextDeadline() {
        Timeouts timeouts = new Timeouts(
                Duration.ofSeconds(1), null, null, null, null, Duration.ofSeconds(1), null, null, null, null, null);
        HeadTimer later = new HeadTimer(waits, loop.eventLoop(), timeouts, (keptAlive, set) -> expired.add("later"));
        HeadTimer again = new HeadTimer(waits, loop.eventLoop(), timeouts, (keptAlive, set) -> expired.add("again"));
        HeadTimer first = new HeadTimer(waits, loop.eventLoop(), timeouts, (keptAlive, set) -> {
            expired.add("first");
            again.arm(true); // from 1.0 s: 2.0 s
        });
        first.arm(true);
        advanceMillis(200);
        later.arm(true); // 1.2 s

        advanceMillis(800); // 1.0 s
        assertThat(expired).containsExactly("first");
        advanceMillis(200); // 1.2 s: not at 2.0 s, when the task the expiry's arm would have scheduled runs
        assertThat(expired).containsExactly("first", "later");
        advanceMillis(800);
        assertThat(expired).containsExactly("first", "later", "again");
    }

    @Test
    void timersOnOtherLoopsOrWaitsHaveTheirOwnQueues() {
        EmbeddedChannel other = new EmbeddedChannel();
        try {
            assertThat(waits.queue(loop.eventLoop(), Duration.ofSeconds(1)))
                    .isSameAs(waits.queue(loop.eventLoop(), Duration.ofMillis(1000)))
                    .isNotSameAs(waits.queue(loop.eventLoop(), Duration.ofSeconds(2)))
                    .isNotSameAs(waits.queue(other.eventLoop(), Duration.ofSeconds(1)));
        } finally {
            other.finishAndReleaseAll();
        }
    }
}
