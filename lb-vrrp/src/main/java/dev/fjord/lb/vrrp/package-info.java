/**
 * VRRP (RFC 5798 v3, RFC 3768 v2) failover of a virtual IP, interoperating with keepalived: instances wired in code
 * by the host application ({@link dev.fjord.lb.vrrp.Vrrp}, {@link dev.fjord.lb.vrrp.VrrpConfig}), the VIP added and
 * removed through rtnetlink ({@link dev.fjord.lb.vrrp.VirtualAddresses}), gratuitous ARPs on keepalived's schedule,
 * and FAULT tracking of the interface and of a Fjord backend ({@link dev.fjord.lb.vrrp.BackendTracker}).
 */
@NullMarked
package dev.fjord.lb.vrrp;

import org.jspecify.annotations.NullMarked;
