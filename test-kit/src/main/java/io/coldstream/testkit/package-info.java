/**
 * Helpers for the tests of every Coldstream module, used with {@code <scope>test</scope>} only:
 * {@link io.coldstream.testkit.Allocations}, the probe behind each "does not allocate" test
 * (STYLE rule 6), and {@link io.coldstream.testkit.IdxFiles}, which writes IDX files, valid or
 * broken. This module depends on {@code coldstream-core} alone, so that any module's tests can
 * use it without a dependency cycle; contract tests that need a module's own types live in that
 * module's test-jar instead (such as {@code coldstream-streaming-io}'s {@code ExampleSourceContract}).
 */
package io.coldstream.testkit;
