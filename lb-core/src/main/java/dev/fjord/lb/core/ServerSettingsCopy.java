package dev.fjord.lb.core;

/**
 * Copies a server's settings onto another's builder: a {@code default-server} line's onto each server after it, and
 * a running server's onto one made like it ({@link ServerConfig.Builder#like}). The copied server keeps its own name
 * and address. Stateless.
 */
final class ServerSettingsCopy {
    private ServerSettingsCopy() {}

    /** {@code from}'s values, but its cookie, onto {@code to}: {@code default-server}, as HAProxy applies it. */
    static void fromDefaults(ServerConfig.Builder to, ServerConfig.Builder from) {
        to.weight = from.weight;
        to.check = from.check;
        to.checkPort = from.checkPort;
        to.checkAddress = from.checkAddress;
        to.inter = from.inter;
        to.fastInter = from.fastInter;
        to.downInter = from.downInter;
        to.rise = from.rise;
        to.fall = from.fall;
        to.maxConn = from.maxConn;
        to.maxQueue = from.maxQueue;
        to.slowStart = from.slowStart;
        to.backup = from.backup;
        to.disabled = from.disabled;
        to.observe = from.observe;
        to.initState = from.initState;
        to.shutdownSessionsOnDown = from.shutdownSessionsOnDown;
        to.shutdownBackupSessionsOnUp = from.shutdownBackupSessionsOnUp;
        to.sendProxy = from.sendProxy;
        to.checkSendProxy = from.checkSendProxy;
        to.ssl = from.ssl;
        to.checkSsl = from.checkSsl;
        to.tls = from.tls == null ? null : new ServerTls.Builder(to.context, from.tls);
        to.idlePool = from.idlePool;
        to.initAddr = from.initAddr;
    }

    /** Every setting of {@code from}, its TLS as built, onto {@code to}. */
    static void fromServer(ServerConfig.Builder to, ServerConfig from) {
        to.weight = from.weight();
        to.cookie = from.cookie();
        to.backup = from.backup();
        to.check = from.check();
        to.checkPort = from.checkPort();
        to.checkAddress = from.checkAddress();
        to.inter = from.inter();
        to.fastInter = from.fastInter();
        to.downInter = from.downInter();
        to.rise = from.rise();
        to.fall = from.fall();
        to.maxConn = from.maxConn();
        to.maxQueue = from.maxQueue();
        to.slowStart = from.slowStart();
        to.disabled = from.disabled();
        to.observe = from.observe();
        to.initState = from.initState();
        to.shutdownSessionsOnDown = from.shutdownSessionsOnDown();
        to.shutdownBackupSessionsOnUp = from.shutdownBackupSessionsOnUp();
        to.sendProxy = from.sendProxy();
        to.checkSendProxy = from.checkSendProxy();
        to.copiedTls = from.tls();
        to.idlePool = from.idlePool();
        to.initAddr = from.initAddr();
    }
}
