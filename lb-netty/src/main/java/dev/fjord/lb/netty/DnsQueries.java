package dev.fjord.lb.netty;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import dev.fjord.lb.core.Address;
import dev.fjord.lb.core.ResolversConfig;

import io.netty.buffer.ByteBuf;
import io.netty.channel.AddressedEnvelope;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.DatagramChannel;
import io.netty.handler.codec.dns.DefaultDnsQuestion;
import io.netty.handler.codec.dns.DefaultDnsRecordDecoder;
import io.netty.handler.codec.dns.DnsRawRecord;
import io.netty.handler.codec.dns.DnsRecord;
import io.netty.handler.codec.dns.DnsRecordType;
import io.netty.handler.codec.dns.DnsResponse;
import io.netty.handler.codec.dns.DnsResponseCode;
import io.netty.handler.codec.dns.DnsSection;
import io.netty.resolver.ResolvedAddressTypes;
import io.netty.resolver.dns.DnsNameResolver;
import io.netty.resolver.dns.DnsNameResolverBuilder;
import io.netty.resolver.dns.DnsServerAddressStreamProvider;
import io.netty.resolver.dns.DnsServerAddressStreamProviders;
import io.netty.resolver.dns.NoopAuthoritativeDnsServerCache;
import io.netty.resolver.dns.NoopDnsCache;
import io.netty.resolver.dns.NoopDnsCnameCache;
import io.netty.resolver.dns.SequentialDnsServerAddressStreamProvider;
import io.netty.util.concurrent.Future;

/**
 * The DNS client of one {@code resolvers} section, on one event loop: SRV and A/AAAA queries to its name servers,
 * with its retries, timeout and payload size, and no cache (each resolution asks, as HAProxy's resolvers do). An
 * answer is a list of {@link Target}s or a {@link Failure}. Not thread-safe: used on its event loop.
 */
final class DnsQueries implements AutoCloseable {
    /** One address a name resolved to: {@code weight} is HAProxy's ({@code SRV weight / 256 + 1}), or 0 for A. */
    record Target(InetAddress address, int port, int weight) {
        String key() {
            return address.getHostAddress() + ":" + port;
        }
    }

    /** Why a resolution gave no answer: the name does not exist, or the servers failed (refused, timeout, other). */
    enum Failure {
        /** NXDOMAIN: the name does not exist. */
        NX,
        /** The name servers refused to answer (SRV queries; an A query's refusal counts as {@link #OTHER}). */
        REFUSED,
        /** No answer in time. */
        TIMEOUT,
        /** Any other failure: SERVFAIL, an unreachable name server, a target that does not resolve. */
        OTHER
    }

    /** The outcome of one resolution: targets (maybe none), or a failure and why. */
    record Answer(
            List<Target> targets,
            @org.jspecify.annotations.Nullable Failure failure,
            String why) {
        static Answer of(List<Target> targets) {
            return new Answer(List.copyOf(targets), null, "");
        }

        static Answer failed(Failure failure, @org.jspecify.annotations.Nullable Object why) {
            return new Answer(List.of(), failure, String.valueOf(why));
        }
    }

    private final DnsNameResolver resolver;

    DnsQueries(ResolversConfig config, EventLoop loop, Class<? extends DatagramChannel> channelType, boolean ipv6) {
        this.resolver = new DnsNameResolverBuilder(loop)
                .datagramChannelType(channelType)
                .nameServerProvider(servers(config))
                .queryTimeoutMillis(config.timeoutRetry().toMillis())
                .maxQueriesPerResolve(config.resolveRetries())
                .maxPayloadSize(config.acceptedPayloadSize())
                .resolvedAddressTypes(ipv6 ? ResolvedAddressTypes.IPV6_PREFERRED : ResolvedAddressTypes.IPV4_ONLY)
                .resolveCache(NoopDnsCache.INSTANCE)
                .cnameCache(NoopDnsCnameCache.INSTANCE)
                .authoritativeDnsServerCache(NoopAuthoritativeDnsServerCache.INSTANCE)
                .build();
    }

    private static DnsServerAddressStreamProvider servers(ResolversConfig config) {
        List<InetSocketAddress> addresses = new ArrayList<>();
        for (Address nameserver : config.nameservers()) {
            addresses.add(new InetSocketAddress(nameserver.host(), nameserver.port()));
        }
        if (config.parseResolvConf()) {
            addresses.addAll(resolvConf(java.nio.file.Path.of("/etc/resolv.conf")));
        }
        if (addresses.isEmpty()) {
            return DnsServerAddressStreamProviders.platformDefault();
        }
        return new SequentialDnsServerAddressStreamProvider(addresses);
    }

    /** The {@code nameserver} lines of a resolv.conf, port 53; none when it cannot be read. */
    static List<InetSocketAddress> resolvConf(java.nio.file.Path file) {
        List<InetSocketAddress> servers = new ArrayList<>();
        try {
            for (String line : java.nio.file.Files.readAllLines(file)) {
                List<String> words = List.of(line.strip().split("\\s+", -1));
                if (words.size() >= 2 && words.get(0).equals("nameserver")) {
                    servers.add(new InetSocketAddress(words.get(1), 53));
                }
            }
        } catch (java.io.IOException e) {
            // no resolv.conf: the resolvers section's own name servers only
        }
        return servers;
    }

    /** Resolves {@code name}'s A (or AAAA) records, each a target at {@code port}; {@code done} on this loop. */
    void addresses(String name, int port, Consumer<Answer> done) {
        resolver.resolveAll(name).addListener((Future<List<InetAddress>> f) -> {
            if (!f.isSuccess()) {
                done.accept(Answer.failed(classify(f.cause()), f.cause()));
                return;
            }
            List<Target> targets = new ArrayList<>();
            for (InetAddress address : f.getNow()) {
                targets.add(new Target(address, port, 0));
            }
            done.accept(Answer.of(targets));
        });
    }

    /**
     * Resolves {@code name}'s SRV records, then each target's address; {@code done} on this loop once all are
     * known.
     */
    void services(String name, Consumer<Answer> done) {
        resolver.query(new DefaultDnsQuestion(name, DnsRecordType.SRV))
                .addListener((Future<AddressedEnvelope<DnsResponse, InetSocketAddress>> f) -> {
                    if (!f.isSuccess()) {
                        done.accept(Answer.failed(classify(f.cause()), f.cause()));
                        return;
                    }
                    AddressedEnvelope<DnsResponse, InetSocketAddress> envelope = f.getNow();
                    List<Srv> records = new ArrayList<>();
                    DnsResponseCode code;
                    try {
                        DnsResponse response = envelope.content();
                        code = response.code();
                        for (int i = 0; i < response.count(DnsSection.ANSWER); i++) {
                            DnsRecord record = response.recordAt(DnsSection.ANSWER, i);
                            if (record.type().equals(DnsRecordType.SRV) && record instanceof DnsRawRecord raw) {
                                records.add(Srv.decode(raw.content()));
                            }
                        }
                    } finally {
                        envelope.release();
                    }
                    if (code.equals(DnsResponseCode.NXDOMAIN)) {
                        done.accept(Answer.failed(Failure.NX, code));
                    } else if (code.equals(DnsResponseCode.REFUSED)) {
                        done.accept(Answer.failed(Failure.REFUSED, code));
                    } else if (!code.equals(DnsResponseCode.NOERROR)) {
                        done.accept(Answer.failed(Failure.OTHER, code));
                    } else {
                        resolveTargets(records, done);
                    }
                });
    }

    /**
     * Each SRV target's address; a target that does not resolve (the name server restarting, a timeout) fails the
     * whole answer, so that its servers stay for the hold instead of leaving as if DNS had dropped them.
     */
    private void resolveTargets(List<Srv> records, Consumer<Answer> done) {
        List<Target> targets = new ArrayList<>();
        int[] pending = {records.size()};
        Throwable[] failed = {null};
        if (records.isEmpty()) {
            done.accept(Answer.of(targets));
            return;
        }
        for (Srv srv : records) {
            resolver.resolveAll(srv.target()).addListener((Future<List<InetAddress>> f) -> {
                if (f.isSuccess() && !f.getNow().isEmpty()) {
                    targets.add(new Target(f.getNow().get(0), srv.port(), srv.weight() / 256 + 1));
                } else {
                    failed[0] = f.cause() != null ? f.cause() : new java.net.UnknownHostException(srv.target());
                }
                if (--pending[0] == 0) {
                    done.accept(failed[0] == null ? Answer.of(targets) : Answer.failed(Failure.OTHER, failed[0]));
                }
            });
        }
    }

    /** What a failed query's {@code cause} says: NXDOMAIN, no answer in time, or anything else. */
    static Failure classify(Throwable cause) {
        for (Throwable c = cause; c != null; c = c.getCause()) {
            if (c instanceof io.netty.resolver.dns.DnsNameResolverTimeoutException) {
                return Failure.TIMEOUT;
            }
        }
        return cause instanceof java.net.UnknownHostException
                        && String.valueOf(cause.getMessage()).contains("NXDOMAIN")
                ? Failure.NX
                : Failure.OTHER;
    }

    /** An SRV record's data (RFC 2782): priority, weight, port, target. */
    private record Srv(int priority, int weight, int port, String target) {
        static Srv decode(ByteBuf data) {
            ByteBuf in = data.duplicate();
            int priority = in.readUnsignedShort();
            int weight = in.readUnsignedShort();
            int port = in.readUnsignedShort();
            String target = DefaultDnsRecordDecoder.decodeName(in); // follows compression pointers into the message
            return new Srv(priority, weight, port, target.endsWith(".") ? target : target + ".");
        }
    }

    @Override
    public void close() {
        resolver.close();
    }
}
