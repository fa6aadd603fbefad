package dev.fjord.lb.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

class ServerSlotsTest {

    @Test
    void freedSlotsGoToWaitersInArrivalOrder() {
        ServerSlots slots = new ServerSlots(2, 0);
        List<String> granted = new ArrayList<>();

        assertThat(slots.tryAcquire()).isTrue();
        assertThat(slots.tryAcquire()).isTrue();
        assertThat(slots.tryAcquire()).isFalse();
        slots.enqueue(() -> granted.add("a"));
        slots.enqueue(() -> granted.add("b"));
        slots.enqueue(() -> granted.add("c"));
        assertThat(slots.queued()).isEqualTo(3);
        assertThat(granted).isEmpty();

        slots.release();
        assertThat(granted).containsExactly("a");
        slots.release();
        slots.release();
        assertThat(granted).containsExactly("a", "b", "c");
        assertThat(slots.inUse()).isEqualTo(2);
        assertThat(slots.maxQueued()).isEqualTo(3);
    }

    @Test
    void newcomersDoNotOvertakeTheQueue() {
        ServerSlots slots = new ServerSlots(1, 0);
        slots.tryAcquire();
        List<String> granted = new ArrayList<>();
        slots.enqueue(() -> granted.add("waiter"));

        slots.release();

        assertThat(granted).containsExactly("waiter");
        assertThat(slots.tryAcquire()).isFalse();
    }

    @Test
    void fullQueueRefusesAndCancelledWaitersLeave() {
        ServerSlots slots = new ServerSlots(1, 1);
        slots.tryAcquire();
        List<String> granted = new ArrayList<>();
        ServerSlots.Waiter first = slots.enqueue(() -> granted.add("first"));

        assertThat(slots.enqueue(() -> granted.add("second"))).isNull();
        assertThat(first.cancel()).isTrue();
        assertThat(slots.queued()).isZero();
        slots.release();
        assertThat(granted).isEmpty();
        assertThat(slots.inUse()).isZero();
    }

    @Test
    void cancelAfterGrantReportsThatTheSlotIsOwned() {
        ServerSlots slots = new ServerSlots(1, 0);
        slots.tryAcquire();
        ServerSlots.Waiter waiter = slots.enqueue(() -> {});
        slots.release();

        assertThat(waiter.cancel()).isFalse();
        assertThat(slots.inUse()).isEqualTo(1);
    }

    @Test
    void unlimitedSlotsGrantAtOnce() {
        ServerSlots slots = new ServerSlots(0, 0);
        List<String> granted = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            assertThat(slots.tryAcquire()).isTrue();
        }
        slots.enqueue(() -> granted.add("now"));
        assertThat(granted).containsExactly("now");
    }
}
