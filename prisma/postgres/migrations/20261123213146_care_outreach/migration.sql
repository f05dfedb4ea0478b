/*
  Warnings:

  - You are about to drop the column `riskScore` on the `OutreachTask` table. All the data in the column will be lost.

*/
-- DropIndex
DROP INDEX "OutreachTask_status_idx";

-- AlterTable
ALTER TABLE "Case" ADD COLUMN     "careVerdict" TEXT,
ADD COLUMN     "priority" INTEGER NOT NULL DEFAULT 0;

-- AlterTable
ALTER TABLE "OutreachTask" DROP COLUMN "riskScore",
ADD COLUMN     "brief" TEXT NOT NULL DEFAULT '{}',
ADD COLUMN     "dueAt" TIMESTAMP(3),
ADD COLUMN     "emailedAt" TIMESTAMP(3),
ADD COLUMN     "episode" INTEGER NOT NULL DEFAULT 1,
ADD COLUMN     "offerRequest" TEXT,
ADD COLUMN     "riskLevel" TEXT NOT NULL DEFAULT 'high',
ADD COLUMN     "version" INTEGER NOT NULL DEFAULT 0;

-- CreateIndex
CREATE INDEX "Case_priority_openedAt_idx" ON "Case"("priority", "openedAt");

-- CreateIndex
CREATE INDEX "OutreachTask_status_dueAt_idx" ON "OutreachTask"("status", "dueAt");

-- CreateIndex
CREATE INDEX "OutreachTask_caseId_idx" ON "OutreachTask"("caseId");
