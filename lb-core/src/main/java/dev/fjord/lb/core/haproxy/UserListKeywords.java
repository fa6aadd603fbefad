package dev.fjord.lb.core.haproxy;

import dev.fjord.lb.core.UserList;
import dev.fjord.lb.core.haproxy.Lines.Line;

/** The lines of a {@code userlist} section: {@code group} and {@code user}, as HAProxy reads them. */
final class UserListKeywords {
    private UserListKeywords() {}

    /** Applies {@code line} to {@code list}; an {@code IllegalArgumentException} says what was expected. */
    static void apply(UserList.Builder list, Line line) {
        switch (line.keyword()) {
            case "group" -> {
                if (line.size() == 2) {
                    list.group(line.arg(1));
                } else if (line.size() == 4 && line.arg(2).equals("users")) {
                    list.group(line.arg(1), names(line.arg(3)));
                } else {
                    throw new IllegalArgumentException("expected: group NAME [users USER,...]");
                }
            }
            case "user" -> user(list, line);
            default -> throw new IllegalArgumentException("unknown keyword (expected: user or group)");
        }
    }

    private static void user(UserList.Builder list, Line line) {
        IllegalArgumentException usage = new IllegalArgumentException(
                "expected: user NAME password HASH|insecure-password PASSWORD [groups GROUP,...]");
        String password = null;
        boolean insecure = false;
        String[] groups = new String[0];
        for (int i = 2; i < line.size(); i += 2) {
            if (i + 1 >= line.size()) {
                throw usage;
            }
            String value = line.arg(i + 1);
            switch (line.arg(i)) {
                case "password" -> {
                    password = value;
                    insecure = false;
                }
                case "insecure-password" -> {
                    password = value;
                    insecure = true;
                }
                case "groups" -> groups = names(value);
                default -> throw usage;
            }
        }
        if (line.size() < 2 || password == null) {
            throw usage;
        }
        list.user(line.arg(1), password, insecure, groups);
    }

    private static String[] names(String list) {
        return list.split(",", -1);
    }
}
