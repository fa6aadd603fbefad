package dev.fjord.lb.netty;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import org.junit.jupiter.api.Test;

import dev.fjord.lb.core.Mode;
import dev.fjord.lb.core.OperationalState;
import dev.fjord.lb.core.ProxyConfig;
import dev.fjord.lb.core.Router;
import dev.fjord.lb.core.ServerEvent;

/** Without an SLF4J provider, operator messages reach the JDK's logging instead of vanishing. */
class OperatorLogTest {
    @Test
    void serverEventsGoToSystemLoggerWhenSlf4jHasNoProvider() {
        String name = "dev.fjord.lb.health.test";
        List<String> records = new CopyOnWriteArrayList<>();
        Logger jul = Logger.getLogger(name);
        Handler handler = new Handler() {
            @Override
            public void publish(LogRecord record) {
                records.add(record.getLevel() + " " + record.getMessage());
            }

            @Override
            public void flush() {}

            @Override
            public void close() {}
        };
        jul.addHandler(handler);
        try {
            Router router = Router.of(ProxyConfig.builder()
                    .defaults(d -> d.mode(Mode.HTTP))
                    .backend("app", b -> b.server("web1", "127.0.0.1:1"))
                    .build());
            var web1 = router.backend("app").requireServer("web1");
            EventLog events = new EventLog(OperatorLog.jdk(name));

            events.onEvent(new ServerEvent.StateChanged(
                    web1, OperationalState.UP, OperationalState.DOWN, null, "marked down by the test", 0, 0));
            events.onEvent(new ServerEvent.NoServerAvailable(router.backend("app")));

            assertThat(records).anySatisfy(r -> assertThat(r).startsWith("WARNING Server app/web1 is DOWN"));
            assertThat(records).anySatisfy(r -> assertThat(r).startsWith("SEVERE backend app has no server available"));
        } finally {
            jul.removeHandler(handler);
        }
    }
}
