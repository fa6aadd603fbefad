package dev.fjord.lb.core;

import java.util.List;

/** A backend section (placeholder until the config model lands in the next commit). */
public record BackendConfig(String name, List<ServerConfig> servers) {
}
