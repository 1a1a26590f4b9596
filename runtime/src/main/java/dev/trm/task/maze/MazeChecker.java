package dev.trm.task.maze;

/**
 * Says whether an answer marks a shortest S-to-G path of its question: the answer differs from the
 * question only by open cells marked {@code o}, there are exactly (shortest distance - 1) of them,
 * and they connect S to G. With that many cells any S-to-G walk through them is a shortest path
 * that uses every one.
 */
public final class MazeChecker {
    private MazeChecker() {
    }

    public static boolean isSolution(MazeGrid question, MazeGrid answer) {
        return problem(question, answer) == null;
    }

    /** The first reason the answer is not a shortest path of the question, or {@code null}. */
    public static String problem(MazeGrid question, MazeGrid answer) {
        if (question.count(MazeGrid.PATH) > 0) {
            return "the question already contains path cells 'o'";
        }
        boolean[] onPath = new boolean[MazeGrid.CELLS];
        int pathCells = 0;
        for (int i = 0; i < MazeGrid.CELLS; i++) {
            char q = question.get(i);
            char a = answer.get(i);
            if (a == MazeGrid.PATH) {
                if (q != MazeGrid.OPEN) {
                    return "cell " + MazeGrid.cellName(i) + " is marked 'o' but is '" + q + "' in the question";
                }
                pathCells++;
                onPath[i] = true;
            } else if (a != q) {
                return "cell " + MazeGrid.cellName(i) + " is '" + a + "' but '" + q + "' in the question";
            }
        }
        int shortest = MazeSolver.shortestDistance(question);
        if (shortest == MazeSolver.UNREACHABLE) {
            return "G cannot be reached from S";
        }
        if (pathCells != shortest - 1) {
            return "the path has " + pathCells + " cells but a shortest path has " + (shortest - 1);
        }
        onPath[question.start()] = true;
        onPath[question.goal()] = true;
        if (MazeSolver.distances(question.start(), onPath)[question.goal()] == MazeSolver.UNREACHABLE) {
            return "the 'o' cells do not connect S to G";
        }
        return null;
    }
}
