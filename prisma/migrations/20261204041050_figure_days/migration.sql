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

-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_Case" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "workflowId" TEXT NOT NULL,
    "idempotencyKey" TEXT,
    "customerId" TEXT NOT NULL,
    "cardId" TEXT NOT NULL,
    "transactionId" TEXT NOT NULL,
    "amountCents" INTEGER NOT NULL,
    "currency" TEXT NOT NULL DEFAULT 'USD',
    "reasonCode" TEXT NOT NULL,
    "description" TEXT,
    "stage" TEXT NOT NULL,
    "departmentId" TEXT NOT NULL,
    "assigneeId" TEXT,
    "queue" TEXT NOT NULL DEFAULT 'agents',
    "escalated" BOOLEAN NOT NULL DEFAULT false,
    "slaBreached" BOOLEAN NOT NULL DEFAULT false,
    "nextDeadlineAt" DATETIME,
    "dueAt" DATETIME NOT NULL DEFAULT '9999-12-31 00:00:00 +00:00',
    "slaNearAt" DATETIME,
    "provisionalCreditCents" INTEGER,
    "resolvedAmountCents" INTEGER,
    "version" INTEGER NOT NULL DEFAULT 0,
    "attritionRisk" TEXT NOT NULL DEFAULT 'none',
    "priority" INTEGER NOT NULL DEFAULT 0,
    "careVerdict" TEXT,
    "retentionOutcome" TEXT,
    "retentionDecidedAt" DATETIME,
    "outcome" TEXT,
    "openedBy" TEXT NOT NULL,
    "openedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    "resolvedAt" DATETIME,
    "closedAt" DATETIME,
    "factsVersion" INTEGER NOT NULL DEFAULT 0,
    CONSTRAINT "Case_customerId_fkey" FOREIGN KEY ("customerId") REFERENCES "Customer" ("id") ON DELETE RESTRICT ON UPDATE CASCADE,
    CONSTRAINT "Case_cardId_fkey" FOREIGN KEY ("cardId") REFERENCES "Card" ("id") ON DELETE RESTRICT ON UPDATE CASCADE,
    CONSTRAINT "Case_transactionId_fkey" FOREIGN KEY ("transactionId") REFERENCES "CardTransaction" ("id") ON DELETE RESTRICT ON UPDATE CASCADE,
    CONSTRAINT "Case_departmentId_fkey" FOREIGN KEY ("departmentId") REFERENCES "Department" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);
INSERT INTO "new_Case" ("amountCents", "assigneeId", "attritionRisk", "cardId", "careVerdict", "closedAt", "currency", "customerId", "departmentId", "description", "dueAt", "escalated", "id", "idempotencyKey", "nextDeadlineAt", "openedAt", "openedBy", "outcome", "priority", "provisionalCreditCents", "queue", "reasonCode", "resolvedAmountCents", "resolvedAt", "retentionDecidedAt", "retentionOutcome", "slaBreached", "slaNearAt", "stage", "transactionId", "updatedAt", "version", "workflowId") SELECT "amountCents", "assigneeId", "attritionRisk", "cardId", "careVerdict", "closedAt", "currency", "customerId", "departmentId", "description", "dueAt", "escalated", "id", "idempotencyKey", "nextDeadlineAt", "openedAt", "openedBy", "outcome", "priority", "provisionalCreditCents", "queue", "reasonCode", "resolvedAmountCents", "resolvedAt", "retentionDecidedAt", "retentionOutcome", "slaBreached", "slaNearAt", "stage", "transactionId", "updatedAt", "version", "workflowId" FROM "Case";
DROP TABLE "Case";
ALTER TABLE "new_Case" RENAME TO "Case";
CREATE UNIQUE INDEX "Case_workflowId_key" ON "Case"("workflowId");
CREATE UNIQUE INDEX "Case_idempotencyKey_key" ON "Case"("idempotencyKey");
CREATE INDEX "Case_customerId_idx" ON "Case"("customerId");
CREATE INDEX "Case_stage_departmentId_idx" ON "Case"("stage", "departmentId");
CREATE INDEX "Case_assigneeId_idx" ON "Case"("assigneeId");
CREATE INDEX "Case_slaBreached_idx" ON "Case"("slaBreached");
CREATE INDEX "Case_priority_openedAt_idx" ON "Case"("priority", "openedAt");
CREATE INDEX "Case_department_assignee_urgency_idx" ON "Case"("departmentId", "assigneeId", "priority" DESC, "slaBreached" DESC, "dueAt", "amountCents" DESC, "id");
CREATE INDEX "Case_department_urgency_idx" ON "Case"("departmentId", "priority" DESC, "slaBreached" DESC, "dueAt", "amountCents" DESC, "id");
CREATE INDEX "Case_department_assignee_stage_idx" ON "Case"("departmentId", "assigneeId", "stage");
CREATE INDEX "Case_openedAt_idx" ON "Case"("openedAt");
CREATE INDEX "Case_resolvedAt_idx" ON "Case"("resolvedAt");
CREATE INDEX "Case_retentionDecidedAt_idx" ON "Case"("retentionDecidedAt");
CREATE INDEX "Case_factsVersion_idx" ON "Case"("factsVersion");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

-- CreateIndex
CREATE INDEX "CaseFact_caseId_idx" ON "CaseFact"("caseId");

-- CreateIndex
CREATE INDEX "CaseFact_cell_idx" ON "CaseFact"("cell");

-- CreateIndex
CREATE INDEX "CaseFact_at_idx" ON "CaseFact"("at");

-- CreateIndex
CREATE INDEX "FigureDay_day_idx" ON "FigureDay"("day");
