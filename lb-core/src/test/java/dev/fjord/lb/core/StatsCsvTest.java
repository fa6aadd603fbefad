package dev.fjord.lb.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

class StatsCsvTest {

    private static Map<String, String> row(String csv, String pxname, String svname) {
        List<String> lines = csv.lines().toList();
        String[] names = lines.get(0).substring(2).split(",", -1);
        String[] values = lines.stream()
                .filter(l -> l.startsWith(pxname + "," + svname + ","))
                .findFirst()
                .orElseThrow()
                .split(",", -1);
        assertThat(values).hasSameSizeAs(names);
        return java.util.stream.IntStream.range(0, names.length)
                .boxed()
                .collect(Collectors.toMap(i -> names[i], i -> values[i]));
    }

    @Test
    void headerHasHaproxysFirst80ColumnsInOrder() {
        assertThat(StatsCsv.COLUMNS)
                .hasSize(80)
                .startsWith("pxname", "svname", "qcur", "qmax", "scur", "smax", "slim", "stot", "bin", "bout")
                .contains("status", "weight", "check_status", "hrsp_2xx", "lbtot")
                .endsWith("conn_rate", "conn_rate_max", "conn_tot");
        assertThat(StatsCsv.COLUMNS.indexOf("status")).isEqualTo(17);
        assertThat(StatsCsv.COLUMNS.indexOf("check_status")).isEqualTo(36);
        assertThat(StatsCsv.COLUMNS.indexOf("addr")).isEqualTo(73);
    }

    @Test
    void rowsShowStatesCountersAndChecks() {
        Router router = Router.of(ReferenceConfigTest.referenceConfig());
        Server web1 = router.backend("app").requireServer("web1");
        Server web2 = router.backend("app").requireServer("web2");
        web1.counters().sessionStarted();
        web1.counters().balanced(1_000_000_000L);
        web1.counters().response(200);
        web1.counters().bytes(100, 2048);
        web2.adminState(AdminState.DRAIN);
        router.frontendCounters("main").denied();
        router.frontendCounters("main").sessionStarted(); // one client connection, two requests on it
        router.frontendCounters("main").request();
        router.frontendCounters("main").request();

        String csv = StatsCsv.write(router, null, s -> 0, s -> 3);

        Map<String, String> first = row(csv, "app", "web1");
        assertThat(first)
                .containsEntry("status", "UP")
                .containsEntry("weight", "1")
                .containsEntry("act", "1")
                .containsEntry("stot", "1")
                .containsEntry("scur", "0")
                .containsEntry("smax", "1")
                .containsEntry("lbtot", "1")
                .containsEntry("hrsp_2xx", "1")
                .containsEntry("bout", "2048")
                .containsEntry("qmax", "3")
                .containsEntry("addr", "192.168.10.11:80")
                .containsEntry("cookie", "s1")
                .containsEntry("check_rise", "2")
                .containsEntry("check_fall", "3")
                .containsEntry("type", "2");
        assertThat(row(csv, "app", "web2")).containsEntry("status", "DRAIN");
        assertThat(row(csv, "app", "BACKEND"))
                .containsEntry("status", "UP")
                .containsEntry("act", "1")
                .containsEntry("algo", "roundrobin")
                .containsEntry("type", "1");
        assertThat(row(csv, "main", "FRONTEND"))
                .containsEntry("status", "OPEN")
                .containsEntry("dreq", "1")
                .containsEntry("slim", "3000")
                .containsEntry("stot", "1")
                .containsEntry("req_tot", "2")
                .containsEntry("mode", "http");
        assertThat(row(csv, "stats", "BACKEND"))
                .as("the stats listener, with no server")
                .containsEntry("status", "UP");
        assertThat(Arrays.asList(csv.lines().toArray())).hasSize(1 + 2 + 2 + 2); // header, 2 frontends, 2 backends

        String later = StatsCsv.write(router, null, s -> 0, s -> 3, 6_500_000_000L); // 5.5 s after web1 was chosen
        assertThat(row(later, "app", "web1")).containsEntry("lastsess", "5").containsEntry("dresp", "0");
        assertThat(row(later, "app", "web2")).containsEntry("lastsess", "");
        assertThat(row(later, "app", "BACKEND")).containsEntry("lastsess", "5");
    }

    @Test
    void templateSlotsDnsHasNotFilledAreListedInMaintenanceForResolution() {
        Router router = Router.of(ProxyConfig.builder()
                .defaults(d -> d.mode(Mode.HTTP))
                .resolvers("dns", r -> r.nameserver("127.0.0.1:8600"))
                .frontend("main", f -> f.bind(":80").defaultBackend("app"))
                .backend("app", b -> b.serverTemplate("web", 3, "_http._tcp.app.test", "dns", s -> s.weight(5)))
                .build());
        router.backend("app").addServer("web2", "127.0.0.1:8002", s -> s.weight(5)); // what DNS does

        String csv = StatsCsv.write(router, null, s -> 0, s -> 0);

        assertThat(row(csv, "app", "web2")).containsEntry("status", "no check").containsEntry("addr", "127.0.0.1:8002");
        for (String empty : List.of("web1", "web3")) {
            assertThat(row(csv, "app", empty))
                    .containsEntry("status", "MAINT (resolution)")
                    .containsEntry("weight", "5")
                    .containsEntry("addr", "")
                    .containsEntry("stot", "0")
                    .containsEntry("type", "2");
        }
        assertThat(row(csv, "app", "BACKEND")).containsEntry("status", "UP").containsEntry("act", "1");
    }
}
