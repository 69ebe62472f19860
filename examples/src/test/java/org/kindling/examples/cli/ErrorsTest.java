package org.kindling.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.UncheckedIOException;
import org.junit.jupiter.api.Test;

class ErrorsTest {

  @Test
  void aWrapperThatAddsTheFileToItsCausesMessageWins() {
    IllegalArgumentException inner = new IllegalArgumentException("shape inference failed");
    IllegalArgumentException outer = new IllegalArgumentException(
        "m-symbol.json: the network does not take input 'data': shape inference failed", inner);
    assertThat(Errors.oneLine(new RuntimeException(outer)))
        .isEqualTo("m-symbol.json: the network does not take input 'data': shape inference"
            + " failed");
  }

  @Test
  void aWrapperThatOnlyRepeatsClassAndMessageDoesNot() {
    java.io.IOException io = new java.io.IOException("disk on fire");
    assertThat(Errors.oneLine(new UncheckedIOException(io))).isEqualTo("disk on fire");
    IllegalStateException cause = new IllegalStateException("cap reached");
    assertThat(Errors.oneLine(new RuntimeException(cause))).isEqualTo("cap reached");
  }

  @Test
  void aMultiLineWrapperLikeSparksTaskFailureGivesTheCausesLine() {
    IllegalStateException cause = new IllegalStateException("cap reached");
    RuntimeException spark = new RuntimeException("Job aborted due to stage failure: Lost task"
        + " 1.0: cap reached\n\tat org.example.Task.run(Task.java:1)", cause);
    assertThat(Errors.oneLine(spark)).isEqualTo("cap reached");
  }
}
