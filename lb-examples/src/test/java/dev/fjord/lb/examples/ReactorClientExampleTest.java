package dev.fjord.lb.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ReactorClientExampleTest {

    @Test
    void everyCallIsAnsweredAndTheFlakyNodesBusyAnswersAreRetriedOnTheOther() {
        assertThat(ReactorClientExample.run(6))
                .hasSize(6)
                .allMatch(answer -> answer.matches("/users/\\d from web[12]"))
                .anyMatch(answer -> answer.endsWith("from web1"));
    }
}
