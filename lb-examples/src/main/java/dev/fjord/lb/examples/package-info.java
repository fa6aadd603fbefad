/**
 * Runnable examples: the reference cluster demo (Main), FailoverNode, the quick start, the Reactor Netty client
 * example, and the command line of the runnable jar.
 */
@NullMarked
package dev.fjord.lb.examples;

import org.jspecify.annotations.NullMarked;
