package dev.trm.task.maze;

import java.util.Random;

/** Seeded random mazes for tests: a wall fraction, S and G on open cells, reachable. */
final class MazeFixtures {
    private MazeFixtures() {
    }

    static MazeGrid randomSolvableMaze(long seed) {
        Random rng = new Random(seed);
        while (true) {
            char[] cells = new char[MazeGrid.CELLS];
            for (int i = 0; i < cells.length; i++) {
                cells[i] = rng.nextDouble() < 0.3 ? MazeGrid.WALL : MazeGrid.OPEN;
            }
            int s = rng.nextInt(MazeGrid.CELLS);
            int g = rng.nextInt(MazeGrid.CELLS);
            if (s == g) {
                continue;
            }
            cells[s] = MazeGrid.START;
            cells[g] = MazeGrid.GOAL;
            MazeGrid maze = MazeGrid.parse(new String(cells));
            if (MazeSolver.shortestDistance(maze) > 5) {
                return maze;
            }
        }
    }
}
