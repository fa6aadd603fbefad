package example;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;

import io.netty.util.Version;

/**
 * Every Netty jar on the classpath is of the version Fjord is tested with, with or without Reactor Netty (the
 * reactor-netty profile adds it, as a Reactor Netty user would).
 */
class OneNettyVersionTest {
    private static final boolean REACTOR_NETTY = Boolean.getBoolean("fjord.it.reactorNetty");

    @Test
    void everyNettyArtifactHasFjordsVersion() {
        Map<String, String> versions = new TreeMap<>();
        Version.identify().forEach((artifact, version) -> versions.put(artifact, version.artifactVersion()));

        assertThat(versions).containsKeys("netty-common", "netty-codec-http");
        assertThat(versions.values()).as("%s", versions).containsOnly(System.getProperty("fjord.it.nettyVersion"));
    }

    @Test
    void reactorNettyIsOnTheClasspathOnlyWhenTheProjectAsksForIt() {
        assertThat(isPresent("reactor.netty.http.client.HttpClient")).isEqualTo(REACTOR_NETTY);
        // lb-netty's own DNS client (server-template), at the one Netty version the test above checks
        assertThat(Version.identify()).as("lb-netty's DNS client").containsKey("netty-resolver-dns");
    }

    private static boolean isPresent(String className) {
        try {
            Class.forName(className, false, OneNettyVersionTest.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }
}
