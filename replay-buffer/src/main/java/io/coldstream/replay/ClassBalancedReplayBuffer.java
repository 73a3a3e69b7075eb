package io.coldstream.replay;

import io.coldstream.core.SeededRandom;
import io.coldstream.core.Shape;
import java.util.Arrays;

/**
 * {@link EvictionPolicy#CLASS_BALANCED}: when full, replace a uniformly random entry of a largest
 * class (REMIND, Hayes et al. 2020; CSSL, Wolfe and Kyrillidis 2022).
 *
 * <p>Per-class slot lists share one array, {@link #members}: class {@code c}'s slots are
 * {@code members[segmentStart[c], segmentStart[c] + classCounts[c])}, the segments lying side by
 * side in label order. Picking a random entry of a class is O(1). Moving a slot from one class's
 * list to another's shifts the boundaries of the classes in between by one cell each (the first
 * or last member of each hops to the other end of its segment), so it costs O(number of classes
 * between the two), never a scan of the entries. Labels are also kept sorted by count
 * ({@link #byCount}) so the largest classes are found by binary search, O(log numClasses).
 */
final class ClassBalancedReplayBuffer extends SlabReplayBuffer {

    /** Per entry: label, sampling order and class list, one int each. */
    static final int BOOKKEEPING_BYTES_PER_ENTRY = 3 * Integer.BYTES;

    /** Per class: class count, segment start, rank and the by-count order: one int each. */
    static final int BYTES_PER_CLASS = 4 * Integer.BYTES;

    /** Slots grouped by class, see the class comment (per-entry bookkeeping). */
    private final int[] members;
    /** First index in {@link #members} of each class's segment (fixed overhead). */
    private final int[] segmentStart;
    /** Labels in ascending order of their count (fixed overhead). */
    private final int[] byCount;
    /** Position of each label in {@link #byCount} (fixed overhead). */
    private final int[] rankOf;

    ClassBalancedReplayBuffer(long budgetBytes, Shape shape, int numClasses, int capacity, ReplayCodec codec,
            SeededRandom random) {
        super(budgetBytes, shape, numClasses, capacity, codec, random);
        this.members = new int[capacity];
        this.segmentStart = new int[numClasses];
        this.byCount = new int[numClasses];
        this.rankOf = new int[numClasses];
        for (int c = 0; c < numClasses; c++) {
            byCount[c] = c;
            rankOf[c] = c;
        }
    }

    @Override
    public EvictionPolicy policy() {
        return EvictionPolicy.CLASS_BALANCED;
    }

    @Override
    void added(int slot, int label) {
        // members[0, slot) holds every other slot; open a cell at the end of label's segment by
        // moving the hole at the end of the array down past every later class.
        int hole = slot;
        for (int c = numClasses - 1; c > label; c--) {
            int first = segmentStart[c];
            members[hole] = members[first];
            hole = first;
            segmentStart[c] = first + 1;
        }
        members[hole] = slot;
        increment(label);
    }

    @Override
    boolean offerWhenFull(byte[] pixels, int label, long index) {
        int largest = largestClass();
        int position = segmentStart[largest] + random.nextInt(classCounts[largest]);
        replace(members[position], pixels, label);
        if (label != largest) {
            move(position, largest, label);
        }
        return true;
    }

    /**
     * Saves {@link #members} (the order within each class's list decides which entry a draw
     * evicts) and {@link #byCount} (the order of tied labels decides which largest class a draw
     * picks). {@link #segmentStart} is the running sum of the class counts and {@link #rankOf} is
     * the inverse of {@link #byCount}, so both are rebuilt on reading.
     */
    @Override
    int[][] copyPolicyArrays() {
        return new int[][] {Arrays.copyOf(members, size), Arrays.copyOf(byCount, numClasses)};
    }

    @Override
    void readPolicyState(ReplayStateFormat.Reader in) {
        if (size == capacity && evictions() != offered() - size) {
            throw in.corrupt("evictions was " + evictions() + " but a full class-balanced buffer evicts once per"
                    + " offer beyond its size: offered " + offered() + " - size " + size);
        }
        in.readInts(members, 0, size, "class lists");
        boolean[] seen = new boolean[size];
        int start = 0;
        for (int c = 0; c < numClasses; c++) {
            segmentStart[c] = start;
            int end = start + classCounts[c];
            for (int i = start; i < end; i++) {
                int slot = members[i];
                if (slot < 0 || slot >= size || seen[slot] || labels[slot] != c) {
                    throw in.corrupt("class list entry " + i + " was slot " + slot + " but class " + c
                            + "'s list must hold each slot with label " + c + " once, among slots [0, " + size + ")");
                }
                seen[slot] = true;
            }
            start = end;
        }
        in.readInts(byCount, 0, numClasses, "labels by count");
        SlabReplayBuffer.requirePermutation(in, byCount, numClasses, "labels by count");
        for (int r = 0; r < numClasses; r++) {
            if (r > 0 && classCounts[byCount[r - 1]] > classCounts[byCount[r]]) {
                throw in.corrupt("labels by count must be in ascending order of count, but label " + byCount[r - 1]
                        + " (" + classCounts[byCount[r - 1]] + " entries) comes before label " + byCount[r] + " ("
                        + classCounts[byCount[r]] + ")");
            }
            rankOf[byCount[r]] = r;
        }
    }

    /** Moves the slot at {@code members[position]} from class {@code from}'s list to {@code to}'s. */
    private void move(int position, int from, int to) {
        int slot = members[position];
        if (to < from) {
            // Fill the position with from's first member; the freed cell travels down to to's end.
            int hole = segmentStart[from];
            members[position] = members[hole];
            segmentStart[from] = hole + 1;
            for (int c = from - 1; c > to; c--) {
                int first = segmentStart[c];
                members[hole] = members[first];
                hole = first;
                segmentStart[c] = first + 1;
            }
            members[hole] = slot;
        } else {
            // Fill the position with from's last member; the freed cell travels up to to's start.
            int hole = segmentStart[from] + classCounts[from] - 1;
            members[position] = members[hole];
            for (int c = from + 1; c < to; c++) {
                int last = segmentStart[c] + classCounts[c] - 1;
                members[hole] = members[last];
                hole = last;
                segmentStart[c]--;
            }
            members[hole] = slot;
            segmentStart[to] = hole;
        }
        decrement(from);
        increment(to);
    }

    /** A largest class; among several, one drawn uniformly at random. */
    private int largestClass() {
        int top = numClasses - 1;
        int first = firstRankWithCount(classCounts[byCount[top]], top);
        return first == top ? byCount[top] : byCount[first + random.nextInt(numClasses - first)];
    }

    private void increment(int label) {
        int count = classCounts[label];
        int rank = rankOf[label];
        // The labels with this count occupy ranks [rank's run start, last]; moving label to the end
        // of that run keeps byCount sorted after its count grows.
        int lo = rank;
        int hi = numClasses - 1;
        while (lo < hi) {
            int mid = (lo + hi + 1) >>> 1;
            if (classCounts[byCount[mid]] == count) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        swapRanks(rank, lo);
        classCounts[label] = count + 1;
    }

    private void decrement(int label) {
        int count = classCounts[label];
        int rank = rankOf[label];
        swapRanks(rank, firstRankWithCount(count, rank));
        classCounts[label] = count - 1;
    }

    /** The lowest rank in {@code [0, rank]} whose label has {@code count} entries; byCount[rank] has. */
    private int firstRankWithCount(int count, int rank) {
        int lo = 0;
        int hi = rank;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (classCounts[byCount[mid]] == count) {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        return lo;
    }

    private void swapRanks(int a, int b) {
        int labelA = byCount[a];
        int labelB = byCount[b];
        byCount[a] = labelB;
        byCount[b] = labelA;
        rankOf[labelB] = a;
        rankOf[labelA] = b;
    }
}
