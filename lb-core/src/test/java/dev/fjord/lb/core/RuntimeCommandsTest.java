package dev.fjord.lb.core;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RuntimeCommandsTest {
    private final Router router = Router.of(ReferenceConfigTest.referenceConfig());
    private final RuntimeCommands commands =
            new RuntimeCommands(router, null, s -> 0, s -> 0, new RuntimeCommands.InfoSource() {
                @Override
                public long uptimeSeconds() {
                    return 42;
                }

                @Override
                public int currentConnections() {
                    return 3;
                }

                @Override
                public int threads() {
                    return 2;
                }
            });

    private Server web1() {
        return router.backend("app").requireServer("web1");
    }

    @Test
    void setServerStateAndWeight() {
        assertThat(commands.execute("set server app/web1 state drain")).isEmpty();
        assertThat(web1().adminState()).isEqualTo(AdminState.DRAIN);
        assertThat(commands.execute("set server app/web1 state maint; set server app/web1 weight 50%"))
                .isEmpty();
        assertThat(web1().adminState()).isEqualTo(AdminState.MAINT);
        assertThat(commands.execute("enable server app/web1")).isEmpty();
        assertThat(web1().adminState()).isEqualTo(AdminState.READY);
        assertThat(commands.execute("set server app/web1 weight 200")).isEmpty();
        assertThat(web1().weight()).isEqualTo(200);
        assertThat(commands.execute("disable server app/web1")).isEmpty();
        assertThat(web1().adminState()).isEqualTo(AdminState.MAINT);
    }

    @Test
    void setServerAddrMovesItKeepingItsState() {
        commands.execute("set server app/web1 state drain");
        String host = web1().config().address().host();
        String port = String.valueOf(web1().config().address().port());

        assertThat(commands.execute("set server app/web1 addr 127.0.0.2"))
                .isEqualTo("IP changed from '" + host
                        + "' to '127.0.0.2', no need to change the port by 'stats socket command'\n");
        assertThat(web1().config().address()).hasToString("127.0.0.2:" + port);
        assertThat(commands.execute("set server app/web1 addr ::1 port 8088"))
                .isEqualTo("IP changed from '127.0.0.2' to '::1', port changed from '" + port
                        + "' to '8088' by 'stats socket command'\n");
        assertThat(web1().config().address()).hasToString("[::1]:8088");
        assertThat(web1().adminState()).isEqualTo(AdminState.DRAIN);
        assertThat(commands.execute("set server app/web1 addr web.example port 80"))
                .isEqualTo("'set server <srv> addr' expects an IPv4 or IPv6 address and an optional 'port N'.\n");
    }

    @Test
    void errorsAnswerAsHaproxyDoes() {
        assertThat(commands.execute("set server app/web9 state drain")).isEqualTo("No such server.\n");
        assertThat(commands.execute("set server apps/web1 state drain")).isEqualTo("No such backend.\n");
        assertThat(commands.execute("set server app/web1 state sleepy"))
                .isEqualTo("'set server <srv> state' expects 'ready', 'drain' and 'maint'.\n");
        assertThat(commands.execute("set server app/web1 weight 300"))
                .isEqualTo("Absolute weight can only be between 0 and 256 inclusive.\n");
        assertThat(commands.execute("show me everything"))
                .startsWith("Unknown command. Please enter one of the following commands only :\n  help ");
        assertThat(commands.execute("show servers state nope")).isEqualTo("Can't find backend.\n");
    }

    @Test
    void showCommands() {
        assertThat(commands.execute("show info"))
                .contains("Name: Fjord\n", "Uptime_sec: 42\n", "Maxconn: 4000\n", "CurrConns: 3\n");
        assertThat(commands.execute("show stat"))
                .startsWith("# pxname,svname,qcur,qmax,")
                .contains("\napp,web1,", "\napp,BACKEND,");
        web1().adminState(AdminState.DRAIN);
        assertThat(commands.execute("show servers state app"))
                .contains("\n1 app 1 web1 192.168.10.11 2 8 1 1 - 4 80\n");
        assertThat(commands.execute("help")).contains("set server <bk>/<srv> state [ready|drain|maint]");
    }

    @Test
    void reloadAnswersAsHaproxysMasterCliDoes() {
        RuntimeCommands.InfoSource info = new RuntimeCommands.InfoSource() {
            @Override
            public long uptimeSeconds() {
                return 0;
            }

            @Override
            public int currentConnections() {
                return 0;
            }

            @Override
            public int threads() {
                return 1;
            }
        };
        java.util.List<String> reloads = new java.util.ArrayList<>();
        RuntimeCommands reloading = new RuntimeCommands(router, null, s -> 0, s -> 0, info, () -> {
            reloads.add("reload");
            if (reloads.size() == 2) {
                throw new ConfigException("haproxy.cfg:12: backend 'app': server 'web1': weight 300 (expected: 0-256)");
            }
            return "servers +[app/web3]";
        });

        assertThat(reloading.execute("reload")).isEqualTo("Success=1\n--\nservers +[app/web3]\n");
        assertThat(reloading.execute("reload"))
                .isEqualTo(
                        "Success=0\n--\nhaproxy.cfg:12: backend 'app': server 'web1': weight 300 (expected: 0-256)\n");
        assertThat(reloads).hasSize(2);
        assertThat(commands.execute("reload")).startsWith("Success=0\n--\nreload: ");
    }
}
