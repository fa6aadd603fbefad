package dev.fjord.lb.netty;

import java.util.List;
import java.util.Map;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import javax.security.auth.x500.X500Principal;

import org.jspecify.annotations.Nullable;

/** Certificate names as HAProxy prints them ({@code ssl_c_s_dn}) and the CN that SNI matching reads. Stateless. */
final class DistinguishedNames {
    private static final Map<String, String> KEYWORDS = Map.of("1.2.840.113549.1.9.1", "emailAddress");

    private DistinguishedNames() {}

    /**
     * {@code name} in OpenSSL's one-line form, most significant part first: {@code /C=NO/O=Fjord Test/CN=client}.
     */
    static String oneLine(X500Principal name) {
        StringBuilder out = new StringBuilder();
        for (Rdn rdn : rdns(name)) { // LdapName lists the most significant first
            out.append('/').append(rdn.getType()).append('=').append(rdn.getValue());
        }
        return out.toString();
    }

    /** The last CN of {@code name}, or null. */
    static @Nullable String commonName(X500Principal name) {
        String cn = null;
        for (Rdn rdn : rdns(name)) {
            if (rdn.getType().equalsIgnoreCase("CN")) {
                cn = String.valueOf(rdn.getValue());
            }
        }
        return cn;
    }

    private static List<Rdn> rdns(X500Principal name) {
        try {
            return new LdapName(name.getName(X500Principal.RFC2253, KEYWORDS)).getRdns();
        } catch (InvalidNameException e) {
            return List.of();
        }
    }
}
