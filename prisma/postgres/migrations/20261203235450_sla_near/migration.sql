-- AlterTable
ALTER TABLE "Case" ADD COLUMN "slaNearAt" TIMESTAMP(3);
