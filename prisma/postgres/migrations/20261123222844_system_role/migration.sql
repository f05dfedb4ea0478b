-- AlterEnum
ALTER TYPE "StaffRole" ADD VALUE 'system';
