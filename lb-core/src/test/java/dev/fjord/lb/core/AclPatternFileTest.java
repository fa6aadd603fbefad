package dev.fjord.lb.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.fjord.lb.core.haproxy.HaproxyImport;

/** {@code -f FILE}: an ACL's patterns read from a file, one a line, as HAProxy reads them. */
class AclPatternFileTest {
    @TempDir
    Path dir;

    @Test
    void patternsComeFromTheFileBesideThoseWritten() throws IOException {
        Path blocked = Files.writeString(
                dir.resolve("blocked.lst"), "# abusers\n198.51.100.0/24\n\n   203.0.113.7  \n#203.0.113.8\n");

        Acl acl = Acl.parse("src -f " + blocked + " 192.0.2.1");

        assertThat(acl.patterns()).containsExactly("198.51.100.0/24", "203.0.113.7", "192.0.2.1");
        assertThat(acl.test(RequestHead.builder().client("198.51.100.9", 1).build()))
                .isTrue();
        assertThat(acl.test(RequestHead.builder().client("203.0.113.7", 1).build()))
                .isTrue();
        assertThat(acl.test(RequestHead.builder().client("203.0.113.8", 1).build()))
                .as("commented out")
                .isFalse();
        assertThat(acl.test(RequestHead.builder().client("192.0.2.1", 1).build()))
                .isTrue();
    }

    @Test
    void flagsCombineAndSeveralFilesAdd() throws IOException {
        Path one = Files.writeString(dir.resolve("one.lst"), "/Admin\n");
        Path two = Files.writeString(dir.resolve("two.lst"), "/internal\n");

        Acl acl = Acl.parse("path_beg -i -f " + one + " -f " + two);

        assertThat(acl.test(RequestHead.get("/admin/users"))).isTrue();
        assertThat(acl.test(RequestHead.get("/INTERNAL/x"))).isTrue();
        assertThat(acl.test(RequestHead.get("/public"))).isFalse();
    }

    @Test
    void aMissingFileFailsTheImportWithItsLineAndPath() {
        Path missing = dir.resolve("missing.lst");

        assertThatThrownBy(() -> HaproxyImport.parse(
                                "defaults\n    mode http\nfrontend www\n    bind :80\n"
                                        + "    http-request deny if { src -f " + missing + " }\n"
                                        + "    default_backend app\nbackend app\n    server web1 127.0.0.1:8001\n",
                                "haproxy.cfg",
                                Map.of())
                        .builder()
                        .build())
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("haproxy.cfg:5")
                .hasMessageContaining("-f '" + missing + "': cannot read it");
    }
}
