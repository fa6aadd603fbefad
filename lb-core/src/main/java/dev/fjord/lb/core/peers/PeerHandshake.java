package dev.fjord.lb.core.peers;

import java.util.List;
import java.util.Objects;

/**
 * The handshake of HAProxy's peers protocol: the connecting peer sends three lines, {@code HAProxyS 2.1},
 * the name of the peer it connects to, and its own name with its process id and relative pid; the other answers
 * with a status line ({@code 200} when accepted). Stateless.
 *
 * @see <a href="https://github.com/haproxy/haproxy/blob/master/doc/peers-v2.0.txt">doc/peers-v2.0.txt</a>, I
 */
public final class PeerHandshake {
    /** Handshake succeeded. */
    public static final int SUCCESS = 200;
    /** Try again later. */
    public static final int TRY_AGAIN = 300;
    /** Protocol error. */
    public static final int PROTOCOL_ERROR = 501;
    /** Bad version. */
    public static final int BAD_VERSION = 502;
    /** The name the caller connected to is not the local peer's. */
    public static final int LOCAL_PEER_MISMATCH = 503;
    /** The caller's name is not a known peer. */
    public static final int REMOTE_PEER_MISMATCH = 504;

    /** The longest handshake line taken. */
    public static final int MAX_LINE = 256;

    private PeerHandshake() {}

    /** The three lines a peer {@code local} sends when it connects to the peer {@code remote}. */
    public static String hello(String remote, String local, long pid) {
        return "HAProxyS 2.1\n" + remote + "\n" + local + " " + pid + " 1\n";
    }

    /**
     * The hello received as three lines (without their line feeds), checked against this process's peers.
     *
     * @param lines what the caller sent
     * @param localPeer this process's peer name
     * @param remotePeers the other peers' names
     * @return {@link #SUCCESS} with the caller's name, or the status code to answer before closing
     */
    public static Hello accept(List<String> lines, String localPeer, java.util.Collection<String> remotePeers) {
        Objects.requireNonNull(lines, "lines");
        if (lines.size() != 3 || !lines.get(0).startsWith("HAProxyS ")) {
            return new Hello(PROTOCOL_ERROR, "");
        }
        String version = lines.get(0).substring("HAProxyS ".length());
        if (!version.equals("2.1") && !version.equals("2.0")) {
            return new Hello(BAD_VERSION, "");
        }
        if (!lines.get(1).equals(localPeer)) {
            return new Hello(LOCAL_PEER_MISMATCH, "");
        }
        int space = lines.get(2).indexOf(' ');
        String caller = space < 0 ? lines.get(2) : lines.get(2).substring(0, space);
        if (!remotePeers.contains(caller)) {
            return new Hello(REMOTE_PEER_MISMATCH, "");
        }
        return new Hello(SUCCESS, caller);
    }

    /** What a received hello asks: its status code and, when {@link #SUCCESS}, the caller's peer name. */
    public record Hello(int status, String peer) {}

    /** The status line answering a hello. */
    public static String status(int code) {
        return code + "\n";
    }
}
