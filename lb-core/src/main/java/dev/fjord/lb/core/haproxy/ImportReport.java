package dev.fjord.lb.core.haproxy;

import java.util.List;

/**
 * What importing a haproxy.cfg left aside: directives accepted but meaningless inside a JVM (ignored), and
 * directives understood with a difference worth knowing (warnings). Each entry starts with {@code file:line}.
 *
 * @param ignored process-level directives accepted and not applied, e.g. {@code haproxy.cfg:7: chroot}
 * @param warnings directives applied with a caveat
 */
public record ImportReport(List<String> ignored, List<String> warnings) {
    public ImportReport {
        ignored = List.copyOf(ignored);
        warnings = List.copyOf(warnings);
    }

    /** The report as lines for a console, or {@code nothing ignored, no warnings}. */
    @Override
    public String toString() {
        if (ignored.isEmpty() && warnings.isEmpty()) {
            return "nothing ignored, no warnings";
        }
        StringBuilder text = new StringBuilder();
        ignored.forEach(line -> text.append("ignored: ").append(line).append('\n'));
        warnings.forEach(line -> text.append("warning: ").append(line).append('\n'));
        return text.toString().stripTrailing();
    }
}
