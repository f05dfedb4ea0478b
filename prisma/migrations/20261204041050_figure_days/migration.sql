-- CreateTable
CREATE TABLE "CaseFact" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "caseId" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "at" DATETIME NOT NULL,
    "day" TEXT NOT NULL,
    "department" TEXT NOT NULL,
    "detail" TEXT NOT NULL,
    "count" INTEGER NOT NULL,
    "amount" INTEGER NOT NULL,
    "value" REAL,
    "cell" TEXT NOT NULL,
    CONSTRAINT "CaseFact_caseId_fkey" FOREIGN KEY ("caseId") REFERENCES "Case" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "FigureDay" (
    "cell" TEXT NOT NULL PRIMARY KEY,
    "kind" TEXT NOT NULL,
    "day" TEXT NOT NULL,
    "department" TEXT NOT NULL,
    "detail" TEXT NOT NULL,
    "count" INTEGER NOT NULL,
    "amount" BIGINT NOT NULL,
    "vals" TEXT
);

-- AlterTable (a new column with a constant default: no need to copy the table, which may be large)
ALTER TABLE "Case" ADD COLUMN "factsVersion" INTEGER NOT NULL DEFAULT 0;

-- CreateIndex
CREATE INDEX "Case_factsVersion_idx" ON "Case"("factsVersion");

-- DropIndex
DROP INDEX "Case_stage_departmentId_idx";

-- CreateIndex
CREATE INDEX "Case_stage_departmentId_openedAt_slaNearAt_assigneeId_idx" ON "Case"("stage", "departmentId", "openedAt", "slaNearAt", "assigneeId");

-- CreateIndex
CREATE INDEX "CaseFact_caseId_idx" ON "CaseFact"("caseId");

-- CreateIndex
CREATE INDEX "CaseFact_cell_idx" ON "CaseFact"("cell");

-- CreateIndex
CREATE INDEX "CaseFact_at_idx" ON "CaseFact"("at");

-- CreateIndex
CREATE INDEX "FigureDay_day_idx" ON "FigureDay"("day");

-- DropIndex (the figures read their facts now)
DROP INDEX "Case_openedAt_idx";

-- DropIndex (the figures read their facts now)
DROP INDEX "Case_resolvedAt_idx";

-- DropIndex (the figures read their facts now)
DROP INDEX "Case_retentionDecidedAt_idx";

-- DropIndex (the figures read their facts now)
DROP INDEX "CaseEvent_type_at_idx";

-- DropIndex (the figures read their facts now)
DROP INDEX "CaseEvent_type_caseId_at_idx";

-- DropIndex (the figures read their facts now)
DROP INDEX "CaseEvent_at_actor_idx";

-- DropIndex (the figures read their facts now)
DROP INDEX "RegulatoryDeadline_dueAt_idx";

-- DropIndex (the figures read their facts now)
DROP INDEX "CaseAssignment_assignedAt_idx";

-- DropIndex (the figures read their facts now)
DROP INDEX "CaseStay_leftAt_stage_departmentId_enteredAt_idx";

-- DropIndex (the figures read their facts now)
DROP INDEX "SurveyAnswer_answeredAt_idx";
