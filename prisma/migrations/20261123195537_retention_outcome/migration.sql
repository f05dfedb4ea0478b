-- AlterTable
ALTER TABLE "Case" ADD COLUMN "retentionDecidedAt" DATETIME;
ALTER TABLE "Case" ADD COLUMN "retentionOutcome" TEXT;
