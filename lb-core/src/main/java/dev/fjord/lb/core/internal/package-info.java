/** Helpers of lb-core that are not part of its API: parsing, hashing, address matching. May change at any time. */
@NullMarked
package dev.fjord.lb.core.internal;

import org.jspecify.annotations.NullMarked;
