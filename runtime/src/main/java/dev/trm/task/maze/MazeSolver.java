package dev.trm.task.maze;

import java.util.ArrayDeque;
import java.util.Arrays;

/** Breadth-first search over the 4-neighbour grid (no moves off the edge, none through walls). */
public final class MazeSolver {
    /** Distance of an unreachable cell. */
    public static final int UNREACHABLE = -1;
    private static final int SIDE = MazeGrid.SIDE;

    private MazeSolver() {
    }

    /** Moves from {@code from} to every cell whose {@code allowed} flag is set; UNREACHABLE elsewhere. */
    public static int[] distances(int from, boolean[] allowed) {
        int[] dist = new int[MazeGrid.CELLS];
        Arrays.fill(dist, UNREACHABLE);
        ArrayDeque<Integer> queue = new ArrayDeque<>();
        dist[from] = 0;
        queue.add(from);
        while (!queue.isEmpty()) {
            int cell = queue.poll();
            int r = cell / SIDE;
            int c = cell % SIDE;
            int[] neighbours = {r > 0 ? cell - SIDE : -1, r < SIDE - 1 ? cell + SIDE : -1,
                c > 0 ? cell - 1 : -1, c < SIDE - 1 ? cell + 1 : -1};
            for (int n : neighbours) {
                if (n >= 0 && allowed[n] && dist[n] == UNREACHABLE) {
                    dist[n] = dist[cell] + 1;
                    queue.add(n);
                }
            }
        }
        return dist;
    }

    /** Shortest S-to-G distance in moves, or UNREACHABLE. */
    public static int shortestDistance(MazeGrid maze) {
        return distances(maze.start(), passable(maze))[maze.goal()];
    }

    static boolean[] passable(MazeGrid maze) {
        boolean[] allowed = new boolean[MazeGrid.CELLS];
        for (int i = 0; i < MazeGrid.CELLS; i++) {
            allowed[i] = maze.isPassable(i);
        }
        return allowed;
    }

    /** The question with one shortest path marked {@code o}, or {@code null} when G cannot be reached. */
    public static MazeGrid solve(MazeGrid question) {
        MazeGrid q = question.withoutPath();
        int[] fromGoal = distances(q.goal(), passable(q));
        int cell = q.start();
        if (fromGoal[cell] == UNREACHABLE) {
            return null;
        }
        char[] out = q.toText().toCharArray();
        while (fromGoal[cell] > 1) {
            int next = -1;
            for (int n : new int[] {cell - SIDE, cell + SIDE, cell - 1, cell + 1}) {
                boolean adjacent = n >= 0 && n < MazeGrid.CELLS && (n / SIDE == cell / SIDE || n % SIDE == cell % SIDE);
                if (adjacent && fromGoal[n] == fromGoal[cell] - 1) {
                    next = n;
                    break;
                }
            }
            out[next] = MazeGrid.PATH;
            cell = next;
        }
        return MazeGrid.of(out);
    }
}
