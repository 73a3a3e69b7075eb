package io.coldstream.io;

/**
 * Bilinear resizing of uint8 planes from {@code inHeight x inWidth} to {@code outHeight x outWidth},
 * with pixel centres aligned (a source coordinate is {@code (out + 0.5) * in / out - 0.5}, clamped
 * to the image, as OpenCV's {@code INTER_LINEAR} and PyTorch's {@code align_corners=False} do),
 * rounded to the nearest integer. No antialiasing: meant for enlarging. The sampling tables are
 * computed once; {@link #resize} does not allocate. Immutable; any thread.
 */
final class BilinearResize {

    private final int inHeight;
    private final int inWidth;
    private final int outHeight;
    private final int outWidth;
    private final int[] row0;
    private final int[] row1;
    private final float[] rowWeight;
    private final int[] col0;
    private final int[] col1;
    private final float[] colWeight;

    BilinearResize(int inHeight, int inWidth, int outHeight, int outWidth) {
        if (inHeight < 1 || inWidth < 1 || outHeight < 1 || outWidth < 1) {
            throw new IllegalArgumentException("sizes must be positive: " + inHeight + "x" + inWidth + " -> "
                    + outHeight + "x" + outWidth);
        }
        this.inHeight = inHeight;
        this.inWidth = inWidth;
        this.outHeight = outHeight;
        this.outWidth = outWidth;
        this.row0 = new int[outHeight];
        this.row1 = new int[outHeight];
        this.rowWeight = new float[outHeight];
        this.col0 = new int[outWidth];
        this.col1 = new int[outWidth];
        this.colWeight = new float[outWidth];
        table(inHeight, outHeight, row0, row1, rowWeight);
        table(inWidth, outWidth, col0, col1, colWeight);
    }

    private static void table(int in, int out, int[] lo, int[] hi, float[] weight) {
        double scale = (double) in / out;
        for (int o = 0; o < out; o++) {
            double source = Math.max(0, (o + 0.5) * scale - 0.5);
            int first = Math.min((int) source, in - 1);
            lo[o] = first;
            hi[o] = Math.min(first + 1, in - 1);
            weight[o] = (float) (source - first);
        }
    }

    /**
     * Resizes {@code planes} consecutive planes.
     *
     * @param src the source planes, {@code planes * inHeight * inWidth} bytes from {@code srcOffset}
     * @param srcOffset the first source byte
     * @param dst where to write {@code planes * outHeight * outWidth} bytes; must not overlap the source
     * @param dstOffset the first byte written
     * @param planes how many planes (channels)
     */
    void resize(byte[] src, int srcOffset, byte[] dst, int dstOffset, int planes) {
        int inPlane = inHeight * inWidth;
        int outPlane = outHeight * outWidth;
        for (int p = 0; p < planes; p++) {
            int in = srcOffset + p * inPlane;
            int out = dstOffset + p * outPlane;
            for (int y = 0; y < outHeight; y++) {
                int top = in + row0[y] * inWidth;
                int bottom = in + row1[y] * inWidth;
                float wy = rowWeight[y];
                for (int x = 0; x < outWidth; x++) {
                    float wx = colWeight[x];
                    float upper = (src[top + col0[x]] & 0xff) * (1 - wx) + (src[top + col1[x]] & 0xff) * wx;
                    float lower = (src[bottom + col0[x]] & 0xff) * (1 - wx) + (src[bottom + col1[x]] & 0xff) * wx;
                    int v = (int) (upper * (1 - wy) + lower * wy + 0.5f);
                    dst[out + y * outWidth + x] = (byte) Math.min(255, Math.max(0, v));
                }
            }
        }
    }
}
