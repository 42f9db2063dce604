package wirelens.base;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class UnitsTest {

    @Test
    void bytesKeepFourSignificantDigitsAndBinaryUnits() {
        assertEquals("0 B", Units.bytes(0));
        assertEquals("9999 B", Units.bytes(9_999));
        assertEquals("9.8 KiB", Units.bytes(10_000));
        assertEquals("9.5 MiB", Units.bytes(10_000_000));
        assertEquals("9.31 GiB", Units.bytes(10_000_000_000L));
    }

    @Test
    void durationsHaveNoSpacesSoAColumnOfThemIsOneField() {
        assertEquals("0ms", Units.duration(400_000));
        assertEquals("999ms", Units.duration(999_999_999));
        assertEquals("1.0s", Units.duration(1_000_000_000L));
        assertEquals("599.9s", Units.duration(599_900_000_000L));
        assertEquals("1h02m03s", Units.duration(3_723_000_000_000L));
    }

    @Test
    void clockIsLocalTimeWithMilliseconds() {
        long nanos = java.time.LocalDateTime.of(2026, 1, 2, 14, 3, 7, 412_000_000)
                .atZone(java.time.ZoneId.systemDefault()).toInstant().toEpochMilli() * 1_000_000L;
        assertEquals("14:03:07.412", Units.clock(nanos));
    }
}
