// SPDX-License-Identifier: GPL-2.0
//
// ThpChase DIR: a JVM program for apps.sh's jvm case.  It fills 1 GiB of
// its heap: a pointer-chase ring over an int[] of 512 MiB (Sattolo's
// cycle, from a fixed seed) and a long[] of 512 MiB holding i * 31 + 7.
// Its pid goes to DIR/app.pid.  Then it waits: each time DIR/go appears
// it deletes it, walks the ring (System.nanoTime around 4 million
// dependent loads), checks both arrays (the long[] element by element,
// the ring against its fingerprint taken at the start), and writes
// "PASS ns_per_load=N" or "FAIL why" to DIR/app.out.
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;

public final class ThpChase {
	private static final int RING = 128 << 20;	// ints: 512 MiB
	private static final int LONGS = 64 << 20;	// longs: 512 MiB
	private static final int LOADS = 4_000_000;

	private static int[] ring() {
		int[] next = new int[RING];
		SplittableRandom rnd = new SplittableRandom(42);

		for (int i = 0; i < RING; i++)
			next[i] = i;
		for (int i = RING - 1; i > 0; i--) {
			int j = rnd.nextInt(i);
			int t = next[i];

			next[i] = next[j];
			next[j] = t;
		}
		return next;
	}

	private static long[] longs() {
		long[] v = new long[LONGS];

		for (int i = 0; i < LONGS; i++)
			v[i] = i * 31L + 7;
		return v;
	}

	private static long fingerprint(int[] next) {
		long h = 0;

		for (int x : next)
			h = h * 31 + x;
		return h;
	}

	private static String check(int[] next, long[] v, long want) {
		for (int i = 0; i < LONGS; i++)
			if (v[i] != i * 31L + 7)
				return "FAIL long[" + i + "] = " + v[i];
		if (fingerprint(next) != want)
			return "FAIL the ring changed";
		return "PASS";
	}

	private static long chase(int[] next) {
		int p = 0;
		long t0 = System.nanoTime();

		for (int i = 0; i < LOADS; i++)
			p = next[p];
		long ns = System.nanoTime() - t0;

		if (p < 0)
			System.out.println(p);	// keep the loop
		return ns * 1000 / LOADS;	// picoseconds per load
	}

	public static void main(String[] args)
			throws IOException, InterruptedException {
		Path dir = Path.of(args[0]);
		Path go = dir.resolve("go");
		int[] next = ring();
		long[] v = longs();
		long want = fingerprint(next);

		Files.writeString(dir.resolve("app.pid"),
				  ProcessHandle.current().pid() + "\n");
		for (;;) {
			if (!Files.deleteIfExists(go)) {
				Thread.sleep(50);
				continue;
			}
			long ps = chase(next);
			String r = check(next, v, want);

			if (r.equals("PASS"))
				r += String.format(" ns_per_load=%d.%03d",
						   ps / 1000, ps % 1000);
			Files.writeString(dir.resolve("app.out.tmp"), r + "\n");
			Files.move(dir.resolve("app.out.tmp"),
				   dir.resolve("app.out"),
				   java.nio.file.StandardCopyOption.ATOMIC_MOVE);
		}
	}
}
