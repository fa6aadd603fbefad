/**
 * VRRP (RFC 5798 v3, RFC 3768 v2) failover of a virtual IP, interoperating with keepalived.
 * Not implemented yet (see the VRRP issue); the module exists so the build and its dependency direction are fixed.
 */
@NullMarked
package dev.fjord.lb.vrrp;

import org.jspecify.annotations.NullMarked;
