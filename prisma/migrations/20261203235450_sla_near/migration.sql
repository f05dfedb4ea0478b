-- AlterTable
ALTER TABLE "Case" ADD COLUMN "slaNearAt" DATETIME;
