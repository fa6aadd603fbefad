package dev.fjord.lb.netty;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.netty.channel.embedded.EmbeddedChannel;

/** {@link InactivityTimer} on an embedded event loop, frozen time: activity moves the deadline, watching gates it. */
class InactivityTimerTest {
    private final EmbeddedChannel loop = new EmbeddedChannel();
    private final List<String> expired = new ArrayList<>();
    private final DeadlineQueues queues = new DeadlineQueues();
    private boolean watching = true;

    InactivityTimerTest() {
        loop.freezeTime();
    }

    @AfterEach
    void close() {
        loop.finishAndReleaseAll();
    }

    private InactivityTimer timer(String name, Duration timeout) {
        return new InactivityTimer(queues, loop.eventLoop(), timeout, () -> watching, () -> expired.add(name));
    }

    private void advanceMillis(long millis) {
        loop.advanceTimeBy(millis, TimeUnit.MILLISECONDS);
        loop.runScheduledPendingTasks();
    }

    @Test
    void anArmedTimerFiresAfterTheWholeTimeoutWithoutActivity() {
        timer("server", Duration.ofSeconds(2)).arm();

        advanceMillis(1_999);
        assertThat(expired).isEmpty();
        advanceMillis(1);
        assertThat(expired).containsExactly("server");
    }

    @Test
    void activityStartsTheWaitOver() {
        InactivityTimer timer = timer("server", Duration.ofSeconds(2));
        timer.arm();
        advanceMillis(1_500);
        timer.touch(); // deadline 3.5 s
        advanceMillis(1_000);
        timer.touch(); // deadline 4.5 s

        advanceMillis(1_999);
        assertThat(expired).isEmpty();
        advanceMillis(1);
        assertThat(expired).containsExactly("server");
    }

    @Test
    void armingAnArmedTimerKeepsItsDeadline() {
        InactivityTimer timer = timer("client", Duration.ofSeconds(1));
        timer.arm();
        advanceMillis(600);
        timer.arm(); // already counting: still 1.0 s

        advanceMillis(400);
        assertThat(expired).containsExactly("client");
    }

    @Test
    void notWatchingAtTheDeadlineStopsTheTimerUntilArmedAgain() {
        InactivityTimer timer = timer("client", Duration.ofSeconds(1));
        timer.arm();
        watching = false; // e.g. the upload ended and the client reads again
        advanceMillis(5_000);
        assertThat(expired).isEmpty();

        watching = true;
        timer.touch(); // not armed: nothing to move, nothing starts
        advanceMillis(5_000);
        assertThat(expired).isEmpty();
        timer.arm();
        advanceMillis(1_000);
        assertThat(expired).containsExactly("client");
    }

    @Test
    void aCancelledTimerOrOneWithoutTimeoutNeverFires() {
        InactivityTimer cancelled = timer("cancelled", Duration.ofSeconds(1));
        cancelled.arm();
        advanceMillis(500);
        cancelled.cancel();
        cancelled.touch();
        InactivityTimer none =
                new InactivityTimer(queues, loop.eventLoop(), null, () -> true, () -> expired.add("none"));
        none.arm();
        none.touch();

        advanceMillis(3_600_000);
        assertThat(expired).isEmpty();
    }

    @Test
    void timersTouchedInTurnExpireInTheOrderOfTheirLastActivity() {
        InactivityTimer a = timer("a", Duration.ofSeconds(1));
        InactivityTimer b = timer("b", Duration.ofSeconds(1));
        InactivityTimer c = timer("c", Duration.ofSeconds(1));
        a.arm();
        b.arm();
        c.arm(); // all at 0: a, b, c
        advanceMillis(300);
        a.touch(); // a at 1.3 s: it moves behind c
        advanceMillis(300);
        c.touch(); // c at 1.6 s, the last: its deadline moves in place
        DeadlineQueues.Queue queue = queues.queue(loop.eventLoop(), Duration.ofSeconds(1));
        assertThat(queue.size()).isEqualTo(3);

        advanceMillis(399); // 0.999 s
        assertThat(expired).isEmpty();
        advanceMillis(1); // 1.0 s: b, untouched, on time although a was ahead of it
        assertThat(expired).containsExactly("b");
        advanceMillis(299);
        assertThat(expired).containsExactly("b");
        advanceMillis(1); // 1.3 s
        assertThat(expired).containsExactly("b", "a");
        advanceMillis(300); // 1.6 s
        assertThat(expired).containsExactly("b", "a", "c");
        assertThat(queue.size()).isZero();
    }
}
