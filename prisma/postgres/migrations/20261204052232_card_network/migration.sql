-- CreateEnum
CREATE TYPE "CardNetwork" AS ENUM ('visa', 'mastercard');

-- AlterTable
ALTER TABLE "Card" ADD COLUMN     "network" "CardNetwork" NOT NULL DEFAULT 'visa';
