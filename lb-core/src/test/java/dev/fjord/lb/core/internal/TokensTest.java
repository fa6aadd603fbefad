package dev.fjord.lb.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** {@link Tokens}' lookup table against RFC 9110's definition, for every char. */
class TokensTest {
    /** RFC 9110 5.6.2: tchar is any VCHAR except delimiters. */
    private static boolean tchar(char c) {
        return c > ' ' && c < 0x7f && "\"(),/:;<=>?@[\\]{}".indexOf(c) < 0;
    }

    @Test
    void everyCharIsClassifiedAsTheRfcSays() {
        for (int c = 0; c <= Character.MAX_VALUE; c++) {
            assertThat(Tokens.isTokenChar((char) c)).as("char %d", c).isEqualTo(tchar((char) c));
        }
    }

    @Test
    void tokensAreOneOrMoreTokenChars() {
        assertThat(Tokens.isToken("X-Forwarded-For")).isTrue();
        assertThat(Tokens.isToken("!#$%&'*+-.^_`|~09azAZ")).isTrue();
        assertThat(Tokens.isToken("")).isFalse();
        assertThat(Tokens.isToken("Set Cookie")).isFalse();
        assertThat(Tokens.isToken("name:")).isFalse();
        assertThat(Tokens.isToken("caf\u00e9")).isFalse();
        assertThat(Tokens.isToken("x\u0100")).isFalse(); // a char whose low bits are those of a token char
    }
}
