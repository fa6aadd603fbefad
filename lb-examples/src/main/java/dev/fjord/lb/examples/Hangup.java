package dev.fjord.lb.examples;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;

/**
 * {@code SIGHUP} as HAProxy's users know it: reload the configuration. Through {@code sun.misc.Signal} (module
 * {@code jdk.unsupported}), looked up reflectively so that a JVM without it, or one started with {@code -Xrs}, runs
 * on without the signal rather than failing.
 */
final class Hangup {
    private Hangup() {}

    /**
     * Runs {@code action} on each {@code SIGHUP}, on the JVM's signal thread, instead of the JVM's default (shutting
     * down).
     *
     * @return false when signals cannot be handled here (then a {@code SIGHUP} still stops the JVM)
     */
    static boolean onHangup(Runnable action) {
        try {
            Class<?> signalClass = Class.forName("sun.misc.Signal");
            Class<?> handlerClass = Class.forName("sun.misc.SignalHandler");
            Object signal = signalClass.getConstructor(String.class).newInstance("HUP");
            InvocationHandler invocation = (Object proxy, Method method, Object[] args) -> {
                if (method.getName().equals("handle")) {
                    action.run();
                    return null;
                }
                return switch (method.getName()) {
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "equals" -> proxy == args[0];
                    default -> "SIGHUP handler";
                };
            };
            Object handler =
                    Proxy.newProxyInstance(Hangup.class.getClassLoader(), new Class<?>[] {handlerClass}, invocation);
            signalClass.getMethod("handle", signalClass, handlerClass).invoke(null, signal, handler);
            return true;
        } catch (ReflectiveOperationException | RuntimeException e) {
            return false;
        }
    }
}
