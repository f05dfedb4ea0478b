-- DropIndex
DROP INDEX "CaseStay_leftAt_idx";

-- CreateTable
CREATE TABLE "RegulatoryDeadline" (
    "caseId" TEXT NOT NULL,
    "rule" TEXT NOT NULL,
    "dueAt" TIMESTAMP(3) NOT NULL,
    "passedAt" TIMESTAMP(3),

    CONSTRAINT "RegulatoryDeadline_pkey" PRIMARY KEY ("caseId","rule")
);

-- CreateTable
CREATE TABLE "CaseAssignment" (
    "caseId" TEXT NOT NULL,
    "agentId" TEXT NOT NULL,
    "assignedAt" TIMESTAMP(3) NOT NULL,
    "actedAt" TIMESTAMP(3),
    "passedAt" TIMESTAMP(3),

    CONSTRAINT "CaseAssignment_pkey" PRIMARY KEY ("caseId","assignedAt")
);

-- CreateIndex
CREATE INDEX "RegulatoryDeadline_dueAt_idx" ON "RegulatoryDeadline"("dueAt");

-- CreateIndex
CREATE INDEX "CaseAssignment_assignedAt_idx" ON "CaseAssignment"("assignedAt");

-- CreateIndex
CREATE INDEX "Case_openedAt_idx" ON "Case"("openedAt");

-- CreateIndex
CREATE INDEX "Case_resolvedAt_idx" ON "Case"("resolvedAt");

-- CreateIndex
CREATE INDEX "Case_retentionDecidedAt_idx" ON "Case"("retentionDecidedAt");

-- CreateIndex
CREATE INDEX "CaseEvent_type_caseId_at_idx" ON "CaseEvent"("type", "caseId", "at");

-- CreateIndex
CREATE INDEX "CaseEvent_at_actor_idx" ON "CaseEvent"("at", "actor");

-- CreateIndex
CREATE INDEX "CaseStay_leftAt_stage_departmentId_enteredAt_idx" ON "CaseStay"("leftAt", "stage", "departmentId", "enteredAt");

-- CreateIndex
CREATE INDEX "SurveyAnswer_answeredAt_idx" ON "SurveyAnswer"("answeredAt");

-- AddForeignKey
ALTER TABLE "RegulatoryDeadline" ADD CONSTRAINT "RegulatoryDeadline_caseId_fkey" FOREIGN KEY ("caseId") REFERENCES "Case"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CaseAssignment" ADD CONSTRAINT "CaseAssignment_caseId_fkey" FOREIGN KEY ("caseId") REFERENCES "Case"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- Backfill the deadlines from the events of cases whose clocks started before this migration.
INSERT INTO "RegulatoryDeadline" ("caseId", "rule", "dueAt")
SELECT e."caseId", clock.value ->> 'id', CAST(clock.value ->> 'deadline' AS TIMESTAMPTZ) AT TIME ZONE 'UTC'
FROM "CaseEvent" e CROSS JOIN LATERAL jsonb_array_elements(CAST(e."data" AS jsonb) -> 'clocks') AS clock(value)
WHERE e."type" = 'regulatory_clocks_started' AND clock.value ->> 'deadline' IS NOT NULL
ON CONFLICT DO NOTHING;

UPDATE "RegulatoryDeadline" d SET "passedAt" = (
  SELECT MIN(p."at") FROM "CaseEvent" p
  WHERE p."type" = 'regulatory_deadline_passed' AND p."caseId" = d."caseId"
    AND CAST(p."data" AS jsonb) ->> 'clock' = d."rule");

-- Backfill the assignments: each ends at its agent's first event on the case, or at the next
-- assignment when that came first.
INSERT INTO "CaseAssignment" ("caseId", "agentId", "assignedAt")
SELECT e."caseId", CAST(e."data" AS jsonb) ->> 'to', e."at"
FROM "CaseEvent" e
WHERE e."type" = 'assigned' AND CAST(e."data" AS jsonb) ->> 'to' IS NOT NULL
ON CONFLICT DO NOTHING;

UPDATE "CaseAssignment" a SET
  "actedAt" = (SELECT MIN(x."at") FROM "CaseEvent" x
               WHERE x."caseId" = a."caseId" AND x."actor" = a."agentId" AND x."at" > a."assignedAt"),
  "passedAt" = (SELECT MIN(x."at") FROM "CaseEvent" x
                WHERE x."caseId" = a."caseId" AND x."type" = 'assigned' AND x."at" > a."assignedAt");
UPDATE "CaseAssignment" SET "actedAt" = NULL WHERE "passedAt" IS NOT NULL AND "actedAt" > "passedAt";
UPDATE "CaseAssignment" SET "passedAt" = NULL WHERE "actedAt" IS NOT NULL;
