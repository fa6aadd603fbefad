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

    /** What became of the handler. */
    enum Outcome {
        /** Each {@code SIGHUP} runs the action. */
        HANDLED,
        /**
         * The process was started with {@code SIGHUP} ignored (under {@code nohup}, or by a parent that ignores it):
         * the JVM keeps it ignored, so a {@code SIGHUP} does nothing at all.
         */
        IGNORED_SINCE_START,
        /** Signals cannot be handled in this JVM ({@code -Xrs}, no {@code jdk.unsupported}): a SIGHUP stops it. */
        UNAVAILABLE
    }

    /**
     * Runs {@code action} on each {@code SIGHUP}, on the JVM's signal thread, instead of the JVM's default (shutting
     * down).
     */
    static Outcome onHangup(Runnable action) {
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
            Object previous =
                    signalClass.getMethod("handle", signalClass, handlerClass).invoke(null, signal, handler);
            // the JVM installs nothing for a signal ignored when it started, and answers with SIG_IGN
            Object ignored = handlerClass.getField("SIG_IGN").get(null);
            return ignored.equals(previous) ? Outcome.IGNORED_SINCE_START : Outcome.HANDLED;
        } catch (ReflectiveOperationException | RuntimeException e) {
            return Outcome.UNAVAILABLE;
        }
    }
}
