package wirelens.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PayloadTest {
    private static ByteBuffer direct(String s) {
        ByteBuffer b = ByteBuffer.allocateDirect(64);
        b.put(s.getBytes()).flip();
        return b;
    }

    @Test
    void aLentBufferIsReadInPlaceCopiedOnceOnRequestAndGivenBackOnce() {
        List<ByteBuffer> back = new ArrayList<>();
        ByteBuffer buffer = direct("hello world");
        Payload p = Payload.lend(buffer, 5, back::add);
        assertEquals(5, p.length());
        assertEquals(64, p.weight(), "the whole lent buffer counts against the budget");
        ByteBuffer view = p.buffer();
        assertEquals(5, view.remaining());
        assertEquals('h', view.get(0));
        byte[] copy = p.bytes();
        assertArrayEquals("hello".getBytes(), copy);
        assertSame(copy, p.bytes(), "copied once");
        p.release();
        p.release();
        assertEquals(List.of(buffer), back, "given back exactly once");
        assertArrayEquals("hello".getBytes(), p.bytes(), "a copy taken before the release stays readable");
    }

    @Test
    void aReleasedBufferIsNeverReadAgain() {
        Payload p = Payload.lend(direct("secret"), 6, b -> b.clear().put("XXXXXX".getBytes()));
        p.release();
        assertThrows(IllegalStateException.class, p::bytes);
        assertThrows(IllegalStateException.class, p::buffer);
    }

    @Test
    void aChunkOfArraysKeepsTheirIdentity() {
        byte[] data = "abc".getBytes();
        EngineEvent.Chunk same = new EngineEvent.Chunk(1, Direction.CLIENT_TO_SERVER, 0, data, data);
        assertSame(data, same.original());
        assertSame(same.original(), same.forwarded());
        assertEquals(false, same.edited());
        EngineEvent.Chunk dropped = new EngineEvent.Chunk(1, Direction.CLIENT_TO_SERVER, 0, data, null);
        assertEquals(true, dropped.dropped());
        assertEquals(0, dropped.forwardedLength());
        EngineEvent.Chunk edited = new EngineEvent.Chunk(1, Direction.CLIENT_TO_SERVER, 0, data, "xyz!".getBytes());
        assertEquals(true, edited.edited());
        assertEquals(64 + 3 + 4, edited.weight());
    }
}
