package dev.fjord.lb.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;

import org.junit.jupiter.api.Test;

class BackupServersTest {

    private static Router router(boolean allBackups) {
        return Router.of(ProxyConfig.builder()
                .defaults(d -> d.mode(Mode.HTTP))
                .frontend("main", f -> f.bind(":80").defaultBackend("app"))
                .backend("app", b -> {
                    b.server("web1", "127.0.0.1:8001")
                            .server("web2", "127.0.0.1:8002")
                            .server("spare1", "127.0.0.1:8101", s -> s.backup())
                            .server("spare2", "127.0.0.1:8102", s -> s.backup());
                    if (allBackups) {
                        b.allBackups();
                    }
                })
                .build());
    }

    private static Set<String> servers(Router router, int requests) {
        Set<String> names = new HashSet<>();
        for (int i = 0; i < requests; i++) {
            names.add(router.route(RequestHead.get("/")).asForward().server().name());
        }
        return names;
    }

    @Test
    void backupsTakeNoTrafficWhileAnActiveServerIsUsable() {
        Router router = router(false);
        router.backend("app").requireServer("web1").markDown();

        assertThat(servers(router, 10)).containsExactly("web2");
    }

    @Test
    void firstBackupTakesOverWhenNoActiveServerIsUsable() {
        Router router = router(false);
        router.backend("app").requireServer("web1").markDown();
        router.backend("app").requireServer("web2").adminState(AdminState.MAINT);

        assertThat(servers(router, 10)).containsExactly("spare1");

        router.backend("app").requireServer("web1").markUp();
        assertThat(servers(router, 10)).containsExactly("web1");
    }

    @Test
    void allBackupsShareTheLoad() {
        Router router = router(true);
        router.backend("app").requireServer("web1").adminState(AdminState.DRAIN);
        router.backend("app").requireServer("web2").weight(0);

        assertThat(servers(router, 10)).containsExactlyInAnyOrder("spare1", "spare2");
    }
}
