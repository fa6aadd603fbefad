package dev.fjord.lb.core;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A {@code resolvers} section: the DNS servers that {@link ServerTemplate server templates} are resolved with, and how
 * often and how patiently, with HAProxy's defaults. Immutable; made by {@link ProxyConfig.Builder#resolvers}.
 *
 * <pre>{@code
 * .resolvers("dns", r -> r.nameserver("127.0.0.1:8600").holdValid(Duration.ofSeconds(10)))
 * }</pre>
 *
 * @param name unique among resolvers sections
 * @param nameservers the DNS servers, asked in order ({@code nameserver NAME ADDR:PORT}); may be empty when
 *     {@code parseResolvConf} is set
 * @param parseResolvConf also ask the system's name servers, from {@code /etc/resolv.conf} ({@code parse-resolv-conf})
 * @param resolveRetries queries sent to each name server before giving a resolution up ({@code resolve_retries});
 *     default 3
 * @param timeoutResolve time before a name is resolved again after a failed resolution, and at least between two
 *     ({@code timeout resolve}); default 1 s
 * @param timeoutRetry time to wait for an answer before retrying ({@code timeout retry}); default 1 s
 * @param holdValid how long a valid answer holds before the name is resolved again ({@code hold valid}); default
 *     10 s
 * @param holdNx how long the servers of the last valid answer stay while the name answers NXDOMAIN
 *     ({@code hold nx}); default 30 s
 * @param holdObsolete how long a server whose record left a valid answer is kept ({@code hold obsolete}); default 0
 * @param holdOther how long they stay while resolutions fail otherwise (SERVFAIL, an unreachable name server, ...)
 *     ({@code hold other}); default 30 s
 * @param acceptedPayloadSize the largest DNS answer over UDP accepted, EDNS0 ({@code accepted_payload_size}); default
 *     512, at most 65535
 * @param holdRefused how long they stay while the name servers refuse to answer ({@code hold refused}); default 30 s
 * @param holdTimeout how long they stay while the name servers do not answer in time ({@code hold timeout}); default
 *     30 s
 */
public record ResolversConfig(
        String name,
        List<Address> nameservers,
        boolean parseResolvConf,
        int resolveRetries,
        Duration timeoutResolve,
        Duration timeoutRetry,
        Duration holdValid,
        Duration holdNx,
        Duration holdObsolete,
        Duration holdOther,
        int acceptedPayloadSize,
        Duration holdRefused,
        Duration holdTimeout) {

    public ResolversConfig {
        Objects.requireNonNull(name, "name");
        nameservers = List.copyOf(nameservers);
        Objects.requireNonNull(timeoutResolve, "timeoutResolve");
        Objects.requireNonNull(timeoutRetry, "timeoutRetry");
        Objects.requireNonNull(holdValid, "holdValid");
        Objects.requireNonNull(holdNx, "holdNx");
        Objects.requireNonNull(holdObsolete, "holdObsolete");
        Objects.requireNonNull(holdOther, "holdOther");
        Objects.requireNonNull(holdRefused, "holdRefused");
        Objects.requireNonNull(holdTimeout, "holdTimeout");
    }

    /** Builds a {@link ResolversConfig}; not thread-safe. Every value is checked when set. */
    public static final class Builder {
        private final String name;
        private final String context;
        private final List<Address> nameservers = new ArrayList<>();
        private boolean parseResolvConf;
        private int resolveRetries = 3;
        private Duration timeoutResolve = Duration.ofSeconds(1);
        private Duration timeoutRetry = Duration.ofSeconds(1);
        private Duration holdValid = Duration.ofSeconds(10);
        private Duration holdNx = Duration.ofSeconds(30);
        private Duration holdObsolete = Duration.ZERO;
        private Duration holdOther = Duration.ofSeconds(30);
        private Duration holdRefused = Duration.ofSeconds(30);
        private Duration holdTimeout = Duration.ofSeconds(30);
        private int acceptedPayloadSize = 512;

        Builder(String name) {
            this.name = Require.name("", "resolvers", name);
            this.context = "resolvers '" + name + "'";
        }

        /** Adds a DNS server, {@code ip:port} (port 53 when left out). */
        public Builder nameserver(String address) {
            Address parsed;
            try {
                parsed = Address.parse(address.indexOf(':') < 0 ? address + ":53" : address);
            } catch (IllegalArgumentException e) {
                throw new ConfigException(context + ": nameserver '" + address + "' (expected: ip:port, e.g. "
                        + "127.0.0.1:53): " + e.getMessage());
            }
            nameservers.add(parsed);
            return this;
        }

        /** Also asks the name servers of {@code /etc/resolv.conf}; default no. */
        public Builder parseResolvConf() {
            this.parseResolvConf = true;
            return this;
        }

        /** {@code resolve_retries}; default 3. */
        public Builder resolveRetries(int retries) {
            this.resolveRetries = Require.range(context, "resolve_retries", retries, 1, 100);
            return this;
        }

        /** {@code timeout resolve}: time between two resolutions; default 1 s. */
        public Builder timeoutResolve(Duration timeout) {
            this.timeoutResolve = Require.positive(context, "timeout resolve", timeout);
            return this;
        }

        /** {@code timeout retry}: time to wait for an answer; default 1 s. */
        public Builder timeoutRetry(Duration timeout) {
            this.timeoutRetry = Require.positive(context, "timeout retry", timeout);
            return this;
        }

        /** {@code hold valid}; default 10 s. */
        public Builder holdValid(Duration hold) {
            this.holdValid = Require.notNegative(context, "hold valid", hold);
            return this;
        }

        /** {@code hold nx}; default 30 s. */
        public Builder holdNx(Duration hold) {
            this.holdNx = Require.notNegative(context, "hold nx", hold);
            return this;
        }

        /** {@code hold obsolete}; default 0. */
        public Builder holdObsolete(Duration hold) {
            this.holdObsolete = Require.notNegative(context, "hold obsolete", hold);
            return this;
        }

        /** {@code hold other}: after failures neither NXDOMAIN, refused nor timed out; default 30 s. */
        public Builder holdOther(Duration hold) {
            this.holdOther = Require.notNegative(context, "hold other", hold);
            return this;
        }

        /** {@code hold refused}; default 30 s. */
        public Builder holdRefused(Duration hold) {
            this.holdRefused = Require.notNegative(context, "hold refused", hold);
            return this;
        }

        /** {@code hold timeout}; default 30 s. */
        public Builder holdTimeout(Duration hold) {
            this.holdTimeout = Require.notNegative(context, "hold timeout", hold);
            return this;
        }

        /** {@code accepted_payload_size}; default 512, between 512 and 65535. */
        public Builder acceptedPayloadSize(int size) {
            this.acceptedPayloadSize = Require.range(context, "accepted_payload_size", size, 512, 65535);
            return this;
        }

        ResolversConfig build() {
            if (nameservers.isEmpty() && !parseResolvConf) {
                throw new ConfigException(context + ": no nameserver (expected: at least one 'nameserver NAME "
                        + "ADDR:PORT', or 'parse-resolv-conf')");
            }
            return new ResolversConfig(
                    name,
                    nameservers,
                    parseResolvConf,
                    resolveRetries,
                    timeoutResolve,
                    timeoutRetry,
                    holdValid,
                    holdNx,
                    holdObsolete,
                    holdOther,
                    acceptedPayloadSize,
                    holdRefused,
                    holdTimeout);
        }
    }
}
