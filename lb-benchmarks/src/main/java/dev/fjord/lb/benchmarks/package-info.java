/** JMH benchmarks of lb-core's hot paths (routing). */
@NullMarked
package dev.fjord.lb.benchmarks;

import org.jspecify.annotations.NullMarked;
