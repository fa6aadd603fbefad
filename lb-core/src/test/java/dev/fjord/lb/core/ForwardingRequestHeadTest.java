package dev.fjord.lb.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

/** The views over a request forward what they do not change, and answer from what they do. */
class ForwardingRequestHeadTest {
    private final RequestHead request = RequestHead.builder()
            .uri("/a?b=1")
            .header("Host", "example.test")
            .header("Cookie", "SERVERID=s1")
            .build();

    @Test
    void headerEditsAreSeenByEveryHeaderReadingMethod() {
        RequestHead edited = EditedRequestHead.of(
                request, List.of(new HeaderEdit.Set("Cookie", "SERVERID=s2"), new HeaderEdit.Add("X-Added", "yes")));

        assertThat(edited.cookie("SERVERID")).isEqualTo("s2");
        assertThat(edited.header("Cookie")).isEqualTo("SERVERID=s2");
        assertThat(edited.header("X-Added")).isEqualTo("yes");
        assertThat(edited.header("Host")).isEqualTo("example.test");
        assertThat(edited.uri()).isEqualTo("/a?b=1");
        assertThat(edited.clientAddress()).isEqualTo(request.clientAddress());
    }

    @Test
    void aTrackedViewForwardsEverythingOfTheRequest() {
        RequestHead tracked = new TrackedRequestHead(request, new StickCounters(new StickTables(() -> 0)), "fe");

        assertThat(tracked.cookie("SERVERID")).isEqualTo("s1");
        assertThat(tracked.header("Host")).isEqualTo("example.test");
        assertThat(tracked.query()).isEqualTo("b=1");
        assertThat(tracked.localPort()).isEqualTo(request.localPort());
        assertThat(tracked.tls()).isNull();
    }
}
