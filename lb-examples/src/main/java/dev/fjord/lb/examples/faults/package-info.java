/**
 * The fault suite: real processes and sockets on 127.0.0.1, the same haproxy.cfg run by HAProxy and by Fjord, and
 * their figures side by side when servers crash, reset, stall, or clients storm, idle, give up
 * ({@link dev.fjord.lb.examples.faults.FaultSuite}); a backend process that misbehaves on request
 * ({@link dev.fjord.lb.examples.faults.FaultServer}), and the in-process load client and probe that measure.
 */
@NullMarked
package dev.fjord.lb.examples.faults;

import org.jspecify.annotations.NullMarked;
