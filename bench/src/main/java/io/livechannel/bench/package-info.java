/**
 * JMH benchmarks of livechannel's hot paths and the RTMP load harness. Build with
 * {@code ./mvnw -pl bench -am package -DskipTests}, run {@code java -jar bench/target/benchmarks.jar}; results go
 * to {@code docs/benchmarks.md}.
 */
package io.livechannel.bench;
