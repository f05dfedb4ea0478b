-- AlterTable
ALTER TABLE "Case" ADD COLUMN     "retentionDecidedAt" TIMESTAMP(3),
ADD COLUMN     "retentionOutcome" TEXT;
