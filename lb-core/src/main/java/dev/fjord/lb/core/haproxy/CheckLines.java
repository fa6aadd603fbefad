package dev.fjord.lb.core.haproxy;

import org.jspecify.annotations.Nullable;

import dev.fjord.lb.core.HttpCheck;
import dev.fjord.lb.core.SettingsBuilder;
import dev.fjord.lb.core.TcpCheck;

/**
 * The health-check lines of one section ({@code option httpchk}, {@code http-check}, {@code option tcp-check},
 * {@code tcp-check}), gathered over what the {@code defaults} said and applied at the section's end, since each line
 * refines the check the previous ones described.
 */
final class CheckLines {
    @Nullable
    HttpCheck http;

    @Nullable
    TcpCheck tcp;
    /** Whether the section has a check line of its own; otherwise the defaults' checks stay as they are. */
    boolean touched;

    CheckLines(@Nullable HttpCheck http, @Nullable TcpCheck tcp) {
        this.http = http;
        this.tcp = tcp;
    }

    void apply(SettingsBuilder<?> settings) {
        if (touched && http != null) {
            settings.httpCheck(http);
        }
        if (touched && tcp != null) {
            settings.tcpCheck(tcp);
        }
    }
}
